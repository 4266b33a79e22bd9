-- How many people may answer one invite (new participants beyond it are refused; changing an
-- answer stays possible). NULL: the default from the party size (core/domain.py answer_cap).
ALTER TABLE invites ADD COLUMN max_answers integer CHECK (max_answers BETWEEN 1 AND 200);
