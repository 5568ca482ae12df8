namespace Pinset.Tests;

/// <summary>Every message that counts agrees with its count: one is singular, every other count plural.</summary>
public sealed class PluralTests
{
    [Theory]
    [InlineData(0, "byte", null, "0 bytes")]
    [InlineData(1, "byte", null, "1 byte")]
    [InlineData(2, "report URI", null, "2 report URIs")]
    [InlineData(1, "policy", "policies", "1 policy")]
    [InlineData(7, "policy", "policies", "7 policies")]
    [InlineData(-1, "day", null, "-1 days")]
    public void Count_AgreesWithTheNoun(long count, string singular, string? plural, string expected) =>
        Assert.Equal(expected, Plural.Count(count, singular, plural));
}
