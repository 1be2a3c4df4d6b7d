extension FieldComparison.Status {
    /// A mirrored field's status as the drift `divergence` check decides it
    /// (`DriftComparison.divergences`): equal text is inherited; different text is overridden
    /// when the overrides list names the field (or one of its aliases, the world column), and
    /// diverged otherwise.
    public init(_ value: DriftComparison.MirroredValue, overrides: Set<String>) {
        if value.expected == value.actual {
            self = .inherited
        } else if DriftComparison.divergences([value], overrides: overrides).isEmpty {
            self = .overridden
        } else {
            self = .diverged
        }
    }

    /// A cache field's status as the `cache-stale` check decides it
    /// (`DriftComparison.cacheDiffers`): a cache overrides nothing, so a difference is drift.
    public init(world: [UInt8]?, cached: [UInt8]?) {
        self = DriftComparison.cacheDiffers(world: world, cached: cached) ? .diverged : .inherited
    }
}

extension FieldValue {
    /// The value's bytes, nil for NULL: the form the drift comparisons take.
    public var bytesOrNil: [UInt8]? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    public init(_ bytes: [UInt8]?) { self = bytes.map(FieldValue.bytes) ?? .null }
}
