using System.Globalization;
using System.Xml.Linq;

namespace Pinset.Formats;

// The trust anchors and the pin-set of a config: <trust-anchors>, <certificates>, <pin-set>, <pin> and its digest, expiration.
internal sealed partial class AndroidNscReader
{
    private List<Anchor> ParseTrustAnchors(XElement element, Config config)
    {
        var anchors = new List<Anchor>();
        foreach (var attribute in Attributes(element).Where(a => a.Name.Namespace == XNamespace.None))
        {
            UnknownAttribute(attribute, null);
        }

        foreach (var child in element.Elements())
        {
            if (child.Name.LocalName != "certificates")
            {
                config.Unknown.Add(child);
                continue;
            }

            // In debug-overrides, certificates override pins unless they say otherwise.
            bool overridePins = config.Kind == DebugOverrides;
            string? src = null;
            foreach (var attribute in Attributes(child))
            {
                if (attribute.Name == "overridePins")
                {
                    overridePins = ReadBool(attribute, overridePins);
                }
                else if (attribute.Name == "src")
                {
                    src = attribute.Value;
                }
                else
                {
                    UnknownAttribute(attribute, "src and overridePins");
                }
            }

            if (src is null)
            {
                Error(child, $"<certificates> has no src attribute; Android refuses it{DebugNote(config.Kind)}.");
                continue;
            }

            if (src == "wfa")
            {
                Warn(child, "<certificates src=\"wfa\"> (the Wi-Fi Alliance CAs) is known only to recent Android versions; older ones refuse the file.");
            }
            else if (src is not "system" and not "user" && !IsResourceReference(src))
            {
                Error(child, $"<certificates src=\"{src}\"> names no certificate source Android knows; Android refuses it{DebugNote(config.Kind)} (expected 'system', 'user' or a resource such as '@raw/my_ca').");
                continue;
            }

            foreach (var inner in child.Elements())
            {
                config.Unknown.Add(inner);
            }

            anchors.Add(new Anchor(src, overridePins, Line(child), config.Kind == DebugOverrides));
        }

        return anchors;
    }

    private PinSet ParsePinSet(XElement element)
    {
        var pinSet = new PinSet(Line(element));
        foreach (var attribute in Attributes(element))
        {
            if (attribute.Name == "expiration")
            {
                ParseExpiration(attribute, pinSet);
            }
            else
            {
                UnknownAttribute(attribute, "expiration");
            }
        }

        foreach (var child in element.Elements())
        {
            if (child.Name.LocalName == "pin")
            {
                ParsePin(child, pinSet);
            }
            else
            {
                pinSet.Unknown.Add(child);
            }
        }

        return pinSet;
    }

    private void ParsePin(XElement element, PinSet pinSet)
    {
        var digest = element.Attribute("digest");
        foreach (var attribute in Attributes(element).Where(a => a.Name != "digest"))
        {
            UnknownAttribute(attribute, "digest");
        }

        if (digest is null)
        {
            Error(element, "<pin> has no digest attribute; Android refuses a pin without digest=\"SHA-256\".");
            return;
        }

        if (!EqualsIgnoreCaseAsJava(digest.Value, "SHA-256"))
        {
            Error(element, $"<pin digest=\"{digest.Value}\"> is not a SHA-256 pin; Android refuses any digest but SHA-256 (compared without regard to case).");
            return;
        }

        if (!TextOnly(element, "pin", "the base64 of the SHA-256"))
        {
            return;
        }

        string text = JavaTrim(element.Value);
        if (text.Length == 0)
        {
            Error(element, $"<pin digest=\"{digest.Value}\"> is empty; Android refuses a pin without its base64 value.");
            return;
        }

        if (!AndroidBase64.TryDecode(text, out var bytes))
        {
            Error(element, $"the <pin> value '{text}' is not valid base64 (its length or padding is wrong); Android refuses it.");
            return;
        }

        if (bytes.Length != Sha256Digest.Size)
        {
            Error(element, $"the <pin> value '{text}' decodes to {bytes.Length} bytes; a SHA-256 pin is {Sha256Digest.Size} bytes and Android refuses any other length.");
            return;
        }

        string canonical = Convert.ToBase64String(bytes);
        if (canonical != text)
        {
            Warn(element, $"the <pin> value '{text}' is not plain base64; Android skips every character outside the base64 alphabet, accepts missing padding and ignores unused bits, and reads it as '{canonical}', as Pinset does.");
        }

        if (pinSet.Seen.Add(canonical))
        {
            pinSet.Pins.Add(SpkiPin.Prefix + canonical);
        }
    }

    private void ParseExpiration(XAttribute attribute, PinSet pinSet)
    {
        pinSet.ExpirationText = attribute.Value;
        if (!AndroidDate.TryParse(attribute.Value, out int year, out int month, out int day, out int consumed))
        {
            Error(attribute, $"<pin-set expiration=\"{attribute.Value}\"> is not a date Android can read; Android refuses it (expected yyyy-MM-dd, such as '2027-06-30').");
            return;
        }

        if (consumed < attribute.Value.Length)
        {
            Warn(attribute, $"<pin-set expiration=\"{attribute.Value}\">: Android reads only the date at its start, {year:D4}-{month:D2}-{day:D2}, and ignores '{attribute.Value[consumed..]}'.");
        }

        if (year > 9999)
        {
            Warn(attribute, $"<pin-set expiration=\"{attribute.Value}\"> is in the year {year}, which Pinset cannot write; the Pinset policy has no expiry, which is the same in practice.");
            return;
        }

        pinSet.Expires = string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}");
        pinSet.ExpiresAt = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero);
    }
}
