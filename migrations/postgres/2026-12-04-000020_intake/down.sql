ALTER TABLE help_requests DROP COLUMN channel;
DROP TABLE representations;
DROP TABLE people;
