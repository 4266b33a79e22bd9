"""A local Google Places (API New) and Nominatim server, speaking their real HTTP shapes."""
