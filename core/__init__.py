"""The ground floor: what the API, the workers and the command share (settings, errors, domain
types, the data layer, the booking parser, the queue's jobs). It imports none of them."""
