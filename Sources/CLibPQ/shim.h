// The system libpq (Debian: libpq-dev), for GiveTakeStorage. The header
// lives in /usr/include/postgresql; pkg-config libpq supplies that path.
#include <libpq-fe.h>
