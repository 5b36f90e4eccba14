int givetake_sqlite_placeholder(void) { return 0; }
