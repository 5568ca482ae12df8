namespace Pinset;

/// <summary>How a <see cref="HostPattern"/> matches host names, from most to least specific.</summary>
public enum HostPatternKind
{
    /// <summary><c>api.example.com</c>: that name only.</summary>
    Exact,

    /// <summary><c>*.example.com</c>: exactly one more label, as <c>api.example.com</c>; not <c>example.com</c> nor <c>a.b.example.com</c>.</summary>
    SingleLabelWildcard,

    /// <summary><c>**.example.com</c>: <c>example.com</c> itself and every name below it, at any depth.</summary>
    AnyDepthWildcard,
}
