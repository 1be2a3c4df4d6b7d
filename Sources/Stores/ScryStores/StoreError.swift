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
            // libpq's messages run over several lines, continued with a tab ("server closed
            // the connection unexpectedly\n\tThis probably means …"): one line, everywhere
            // (:nodes, doctor, diff's not-run reasons), rather than drawn as \n\t escapes.
            var text = flattened(error.message)
            if let sqlState = error.sqlState { text += " (SQLSTATE \(sqlState))" }
            if let hint = error.hint { text += ". Hint: \(hint)" }
            return text
        case let error as RedisError:
            return error.description
        default:
            return String(describing: error)
        }
    }

    /// The same on one line whatever the error, for a note in a pane title or a report.
    public static func line(for error: any Error) -> String { flattened(message(for: error)) }

    static func flattened(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
