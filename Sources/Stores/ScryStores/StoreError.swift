import Foundation
import PostgresClient
import RedisClient

/// Errors as a person reads them. Client errors keep their descriptions generic for logs; at
/// the boundary to the screen the server's own message is what helps, and it is already
/// scrubbed of passwords by the clients.
public enum StoreErrorText {
    public static func message(for error: any Error) -> String {
        switch error {
        case let error as PostgresError:
            var text = error.message
            if let sqlState = error.sqlState { text += " (SQLSTATE \(sqlState))" }
            if let hint = error.hint { text += ". Hint: \(hint)" }
            return text
        case let error as RedisError:
            return error.description
        default:
            return String(describing: error)
        }
    }

    /// The same on one line, for a note in a pane title or a report: libpq's messages run over
    /// several ("server closed the connection unexpectedly\n\tThis probably means …").
    public static func line(for error: any Error) -> String {
        message(for: error).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
