using System.Xml;
using System.Xml.Linq;

namespace Pinset.Formats;

/// <summary>
/// Loads the XML of Android's and TrustKit's formats from untrusted text: no DTD is processed, nothing is fetched, and
/// elements nested deeper than <see cref="MaxDepth"/> are refused before anything is built. Real files nest a few
/// levels; a hostile one nested tens of thousands deep took the readers seconds to minutes (their checks walk the tree).
/// </summary>
internal static class XmlInput
{
    /// <summary>Deeper than any real file: Android refuses more than 64 nested domain-configs, a plist nests a handful.</summary>
    public const int MaxDepth = 128;

    /// <exception cref="PinningConfigurationException">The text is not well-formed XML, or nests too deep.</exception>
    public static XDocument Load(string xml, string source, DtdProcessing dtd, string format)
    {
        var settings = new XmlReaderSettings { DtdProcessing = dtd, XmlResolver = null };
        try
        {
            using (var scan = XmlReader.Create(new StringReader(xml), settings))
            {
                while (scan.Read())
                {
                    if (scan.Depth > MaxDepth)
                    {
                        int line = scan is IXmlLineInfo info ? info.LineNumber : 0;
                        throw new PinningConfigurationException($"'{source}' nests elements deeper than {MaxDepth} levels (line {line}); no {format} comes near that, so it is refused rather than read.");
                    }
                }
            }

            using var reader = XmlReader.Create(new StringReader(xml), settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            throw new PinningConfigurationException($"'{source}' is not well-formed XML: {ex.Message}", ex);
        }
    }
}
