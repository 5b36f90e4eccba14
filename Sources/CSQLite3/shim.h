// The system SQLite (Debian: libsqlite3-dev), for GiveTakeStorage.
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import; bind calls that
// must copy their argument use this instead.
static inline void (*gt_sqlite_transient(void))(void *) { return SQLITE_TRANSIENT; }
