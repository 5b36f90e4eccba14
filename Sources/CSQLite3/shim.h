// The system SQLite (Debian: libsqlite3-dev), for GiveTakeStorage.
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import; bind calls that
// must copy their argument use this instead.
static inline void (*gt_sqlite_transient(void))(void *) { return SQLITE_TRANSIENT; }

// SQLite counts every allocation under a global mutex (SQLITE_CONFIG_MEMSTATUS)
// unless told otherwise before it initialises; sqlite3_config is variadic,
// which Swift cannot call. Returns SQLITE_MISUSE once SQLite is initialised.
static inline int gt_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
