using System.Collections;

namespace Pinset;

/// <summary>
/// A read-only view of an array that no caller can cast back to the array or change through <see cref="IList{T}"/> (its
/// mutators throw <see cref="NotSupportedException"/>), as <see cref="System.Collections.ObjectModel.ReadOnlyCollection{T}"/>
/// is. It is Pinset's own type on purpose: the framework's generic collections instantiated over Pinset's value types
/// (<see cref="SpkiPin"/>, <see cref="CertificateFingerprint"/>) cannot be precompiled into Pinset's ReadyToRun code, so the
/// JIT compiled them at an app's first pinned request; this one's instantiations are precompiled with the rest of Pinset.
/// </summary>
internal sealed class ReadOnlyArray<T> : IList<T>, IReadOnlyList<T>
{
    private readonly T[] _items;

    private ReadOnlyArray(T[] items) => _items = items;

    /// <summary>
    /// The empty list of this type, one instance. Its array is allocated here rather than taken from
    /// <see cref="Array.Empty{T}"/>, which is the framework's generic code over Pinset's types again.
    /// </summary>
#pragma warning disable CA1825 // Avoid zero-length array allocations: see above; one array per type, once.
    public static ReadOnlyArray<T> Empty { get; } = new(new T[0]);
#pragma warning restore CA1825

    public int Count => _items.Length;

    public bool IsReadOnly => true;

    public T this[int index]
    {
        get => _items[index];
        set => throw ReadOnly();
    }

    /// <summary>A view of <paramref name="items"/>, which the caller gives up: it must keep no reference to change it through.</summary>
    public static ReadOnlyArray<T> Over(T[] items) => items.Length == 0 ? Empty : new(items);

    public bool Contains(T item) => IndexOf(item) >= 0;

    public int IndexOf(T item)
    {
        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < _items.Length; i++)
        {
            if (comparer.Equals(_items[i], item))
            {
                return i;
            }
        }

        return -1;
    }

    public void CopyTo(T[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);

    public IEnumerator<T> GetEnumerator() => new Enumerator(_items);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Add(T item) => throw ReadOnly();

    public void Clear() => throw ReadOnly();

    public void Insert(int index, T item) => throw ReadOnly();

    public bool Remove(T item) => throw ReadOnly();

    public void RemoveAt(int index) => throw ReadOnly();

    private static NotSupportedException ReadOnly() => new("A policy's lists are read-only: build a new policy to change it.");

    private sealed class Enumerator(T[] items) : IEnumerator<T>
    {
        private int _index = -1;

        public T Current => items[_index];

        object? IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < items.Length;

        public void Reset() => _index = -1;

        public void Dispose()
        {
        }
    }
}
