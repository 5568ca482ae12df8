namespace Pinset.Formats;

/// <summary>
/// A pinning policy format of another ecosystem (or Pinset's own JSON). Reading gives the configuration and a warning
/// for everything the source says that Pinset cannot express; writing gives the text and a warning for everything in
/// the configuration the format cannot express. Nothing is dropped silently either way, and nothing Pinset would refuse
/// passes: a configuration read is one Pinset loads (but for a missing backup pin, a warning, since other ecosystems allow
/// a single pin and the user needs the converted policy to add one to), and a configuration Pinset refuses is not written.
/// A leading byte order mark is ignored.
/// </summary>
public interface IPolicyFormat
{
    /// <summary>The format's name, as <c>pinset convert --to</c> takes it: <c>json</c>, <c>curl</c>, <c>hpkp</c>, <c>okhttp</c>, <c>trustkit</c>, <c>android-nsc</c>.</summary>
    string Name { get; }

    /// <summary>True when <see cref="Read"/> is supported (curl's and OkHttp's forms name pins, not whole policies: write only).</summary>
    bool CanRead { get; }

    /// <summary>True when <paramref name="text"/> looks like this format (for reading a file without being told its format).</summary>
    bool Recognizes(string text);

    /// <summary>The configuration the text describes, with a warning for each thing in it Pinset cannot express, and for each policy without a backup pin.</summary>
    /// <exception cref="PinsetFormatException">The text is not valid in this format.</exception>
    /// <exception cref="PinningConfigurationException">The text is valid in its format but describes a policy Pinset refuses (such as TrustKit's <c>com</c> with subdomains, a public suffix); every error is listed.</exception>
    /// <exception cref="NotSupportedException">The format is write only (<see cref="CanRead"/> is false).</exception>
    PolicyFormatResult<PinningConfiguration> Read(string text, PolicyFormatContext context);

    /// <summary>The configuration in this format, with a warning for each thing in it the format cannot express (and, for Pinset's JSON, for each policy without a backup pin).</summary>
    /// <exception cref="PinningConfigurationException">The configuration is one Pinset refuses; every error is listed.</exception>
    PolicyFormatResult<string> Write(PinningConfiguration configuration, PolicyFormatContext context);
}
