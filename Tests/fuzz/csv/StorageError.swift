// The one declaration TwcsImport.swift needs from Storage.swift, which
// also opens databases: the CSV fuzzer compiles the parser without them.
public struct StorageError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
