// How many spill files the process may hold open at once. A large table
// wants more buckets than the usual soft limit of 1,024 open files allows;
// the soft limit exists for select(2), which this process never calls, so
// it is raised towards the hard limit when more room is needed.
#if canImport(Glibc)
import Glibc
#endif

/// Files the process keeps open besides spill buckets and link partitions
/// (the database, the standard streams, the libraries' own).
let reservedOpenFiles = 64

/// Room for `wanted` more open files, after raising the soft limit (never
/// past the hard one) when it is short: `wanted` or less. Where the limit
/// cannot be read, at most 256, which the usual limit of 1,024 holds.
func openFileRoom(wanted: Int, alreadyOpen: Int) -> Int {
    #if canImport(Glibc)
    let unlimited = rlim_t.max  // RLIM_INFINITY, which Swift cannot import
    var limit = rlimit()
    let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    guard getrlimit(resource, &limit) == 0 else { return min(wanted, 256) }
    let need = rlim_t(wanted + alreadyOpen + reservedOpenFiles)
    if limit.rlim_cur != unlimited && limit.rlim_cur < need {
        var raised = limit
        raised.rlim_cur = limit.rlim_max == unlimited ? need : min(need, limit.rlim_max)
        if setrlimit(resource, &raised) == 0 { limit = raised }
    }
    if limit.rlim_cur == unlimited { return wanted }
    return max(0, min(wanted, Int(limit.rlim_cur) - alreadyOpen - reservedOpenFiles))
    #else
    return min(wanted, 256)
    #endif
}
