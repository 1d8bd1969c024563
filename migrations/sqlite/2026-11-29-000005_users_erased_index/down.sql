DROP INDEX users_erased;
