namespace Pinset.Formats;

/// <summary>
/// The CA operator behind an organisation name of a certificate: the companies that run several brands or renamed
/// themselves are one operator (Let's Encrypt's roots are the Internet Security Research Group's; Sectigo runs
/// USERTrust and Comodo; DigiCert runs the roots it bought). Any other name is its own operator, as written.
/// </summary>
internal static class OperatorNames
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Internet Security Research Group"] = "Let's Encrypt",
        ["Let's Encrypt"] = "Let's Encrypt",
        ["Google Trust Services LLC"] = "Google Trust Services",
        ["Google Trust Services"] = "Google Trust Services",
        ["SSL Corporation"] = "SSL.com",
        ["SSL Corp"] = "SSL.com",
        ["Sectigo Limited"] = "Sectigo",
        ["The USERTRUST Network"] = "Sectigo",
        ["COMODO CA Limited"] = "Sectigo",
        ["AddTrust AB"] = "Sectigo",
        ["DigiCert Inc"] = "DigiCert",
        ["DigiCert, Inc."] = "DigiCert",
        ["Baltimore"] = "DigiCert",
        ["GeoTrust Inc."] = "DigiCert",
        ["thawte, Inc."] = "DigiCert",
        ["Symantec Corporation"] = "DigiCert",
        ["VeriSign, Inc."] = "DigiCert",
        ["GlobalSign nv-sa"] = "GlobalSign",
        ["GlobalSign"] = "GlobalSign",
        ["Amazon"] = "Amazon",
        ["Entrust, Inc."] = "Entrust",
        ["Entrust Datacard Limited"] = "Entrust",
        ["IdenTrust"] = "IdenTrust",
        ["Digital Signature Trust Co."] = "IdenTrust",
        ["Microsoft Corporation"] = "Microsoft",
        ["GoDaddy.com, Inc."] = "GoDaddy",
        ["The Go Daddy Group, Inc."] = "GoDaddy",
        ["Starfield Technologies, Inc."] = "GoDaddy",
    };

    /// <summary>Certificates whose operator is not the one their organisation names: Amazon bought Starfield's services root.</summary>
    private static readonly Dictionary<string, string> ByCommonName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Starfield Services Root Certificate Authority - G2"] = "Amazon",
    };

    /// <summary>The operator of a certificate with organisation <paramref name="organization"/> and common name <paramref name="commonName"/>.</summary>
    public static string Of(string? organization, string? commonName, string fallback) =>
        commonName is not null && ByCommonName.TryGetValue(commonName, out var byName) ? byName
        : organization is null ? fallback
        : Aliases.GetValueOrDefault(organization, organization);
}
