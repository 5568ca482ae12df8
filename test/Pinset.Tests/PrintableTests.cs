namespace Pinset.Tests;

/// <summary>Peer-controlled text made safe for a log or a terminal: what is escaped, and that all else is kept.</summary>
public sealed class PrintableTests
{
    [Theory]
    [InlineData("CN=api.exchange.test, O=Exchange", "CN=api.exchange.test, O=Exchange")]
    [InlineData("CN=évènement 交易所", "CN=évènement 交易所")]
    [InlineData("a\nb\r\tc", "a\\u000Ab\\u000D\\u0009c")]
    [InlineData("\u001b[31mred\u007f\u0085", "\\u001B[31mred\\u007F\\u0085")]
    [InlineData("x\u2028y\u2029z", "x\\u2028y\\u2029z")]
    [InlineData("abc\u202Eevil\u2066\u200F", "abc\\u202Eevil\\u2066\\u200F")]
    public void Escape_ControlSeparatorsAndBidi_EscapedOthersKept(string text, string expected) => Assert.Equal(expected, Printable.Escape(text));

    [Fact]
    public void Escape_NothingToEscape_TheSameString()
    {
        var text = "CN=api.exchange.test";
        Assert.Same(text, Printable.Escape(text));
    }
}
