namespace Pinset.Formats.Tests;

/// <summary>
/// The Android reader against Android's own reading of network_security_config.xml (XmlConfigSource, aapt2's compiling of
/// attribute values, android.util.Base64, SimpleDateFormat). The first group restates the configurations of Android's
/// tests (AOSP frameworks/base, tests/NetworkSecurityConfigTest/res/xml, Apache License 2.0) and asserts what
/// XmlConfigTests asserts of them, as far as Pinset can express it; the rest test one rule each.
/// </summary>
public sealed class AndroidNetworkSecurityConfigTests
{
    private const string Source = "nsc.xml";

    // Pins that appear in Android's test configurations.
    private const string AospPin = "zCTnfLwLKbS9S2sbp+uFz4KZOocFvXxkV06Ce9O5M2w=";
    private const string AospWrongPin = "1HIpactkIAq2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y=";
    private const string AospExpiredPin = "aaaaaaaaaaa2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y=";
    private const string AospOverriddenPin = "aaaaaaaaIAq2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y=";

    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string PinA = SpkiPin.FromSubjectPublicKeyInfo("a"u8).ToBase64();
    private static readonly string PinB = SpkiPin.FromSubjectPublicKeyInfo("b"u8).ToBase64();

    // ---- Android's own test configurations (restated) ----

    [Fact]
    public void Aosp_Pins1_PinsAndroidCom()
    {
        var (config, warnings) = Read($$"""
            <network-security-config>
              <domain-config>
                <domain>android.com</domain>
                <pin-set>
                  <pin digest="SHA-256">{{AospPin}}</pin>
                </pin-set>
              </domain-config>
            </network-security-config>
            """);
        var policy = Assert.Single(config.Policies);
        Assert.Equal(["android.com"], policy.Hosts);
        Assert.Equal(["sha256/" + AospPin], policy.Pins);
        Assert.Null(policy.Expires);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Aosp_NestedDomains_ChildPinnedParentNotAndChildInheritsTheRest()
    {
        // XmlConfigTests.testNestedDomainConfigs: android.com has no pins, developer.android.com has pins and inherits the
        // parent's trust anchors and base-config's cleartextTrafficPermitted="false".
        var (config, warnings) = Read($$"""
            <network-security-config>
                <domain-config>
                  <domain includeSubdomains="true">android.com</domain>
                  <trust-anchors>
                      <certificates src="system" />
                  </trust-anchors>
                  <domain-config>
                      <domain>developer.android.com</domain>
                      <pin-set>
                          <pin digest="SHA-256">{{AospPin}}</pin>
                      </pin-set>
                  </domain-config>
                </domain-config>
                <base-config cleartextTrafficPermitted="false">
                </base-config>
            </network-security-config>
            """);
        var policy = Assert.Single(config.Policies);
        Assert.Equal(["developer.android.com"], policy.Hosts);
        Assert.Equal(["sha256/" + AospPin], policy.Pins);
        Assert.Contains(warnings, w => w.StartsWith($"'{Source}' line 2: the <domain-config> for 'android.com' and its subdomains has no <pin-set>", StringComparison.Ordinal) && w.Contains("Android does not pin them", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith($"'{Source}' line 4: <trust-anchors> of the <domain-config> for 'android.com' and its subdomains chooses the CAs Android trusts ('system')", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith($"'{Source}' line 14: cleartextTrafficPermitted=\"false\" on <base-config>", StringComparison.Ordinal));
    }

    [Fact]
    public void Aosp_DomainWhitespace_TrimmedDomainsAndPin()
    {
        // XmlConfigTests.testDomainWhitespaceTrimming.
        var (config, warnings) = Read($$"""
            <network-security-config>
              <domain-config>
                <domain>android.com
                </domain>
                <domain>   developer.android.com    </domain>
                <pin-set>
                  <pin digest="SHA-256">  {{AospPin}}  </pin>
                </pin-set>
              </domain-config>
            </network-security-config>
            """);
        var policy = Assert.Single(config.Policies);
        Assert.Equal(["android.com", "developer.android.com"], policy.Hosts);
        Assert.Equal(["sha256/" + AospPin], policy.Pins);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Aosp_ExpiredPin_KeptExpiredWithWarning()
    {
        // XmlConfigTests.testExpiredPin: the pins are there, but a connection with a wrong pin succeeds because they expired.
        var (config, warnings) = Read($$"""
            <network-security-config>
              <domain-config>
                <domain>android.com</domain>
                <pin-set expiration="2015-01-01">
                  <pin digest="SHA-256">{{AospExpiredPin}}</pin>
                </pin-set>
              </domain-config>
            </network-security-config>
            """);
        var policy = Assert.Single(config.Policies);
        Assert.Equal("2015-01-01", policy.Expires);
        Assert.Equal(["sha256/" + AospExpiredPin], policy.Pins);
        var warning = Assert.Single(warnings);
        Assert.Equal($"'{Source}' line 2: the <pin-set expiration=\"2015-01-01\"> (line 4) of the <domain-config> for 'android.com' has passed: Android ignores these pins, so the app is not pinned for 'android.com'; the Pinset policy is already expired too.", warning);
    }

    [Fact]
    public void Aosp_OverridePins_LoudWarningButPinned()
    {
        // XmlConfigTests.testOverridesPins: a wrong pin, yet connections succeed because system CAs override pins.
        var (config, warnings) = Read($$"""
            <network-security-config>
              <domain-config>
                <domain>android.com</domain>
                <pin-set>
                  <pin digest="SHA-256">{{AospOverriddenPin}}</pin>
                </pin-set>
                <trust-anchors>
                  <certificates src="system" overridePins="true" />
                </trust-anchors>
              </domain-config>
            </network-security-config>
            """);
        Assert.Equal(["android.com"], Assert.Single(config.Policies).Hosts);
        Assert.Contains($"'{Source}' line 8: PINS BYPASSED: <certificates src=\"system\" overridePins=\"true\"> applies to the <domain-config> for 'android.com': Android does not check their pins on a chain anchored at a 'system' CA, so against those CAs the app is in effect not pinned. Pinset's policy pins them anyway.", warnings);
    }

    [Fact]
    public void Aosp_OverrideDedup_DebugOverridesBypassPinsOnlyInDebuggableBuilds()
    {
        // XmlConfigTests.testDebugDedup: in a debuggable build every anchor overrides pins, from debug-overrides' default.
        var (config, warnings) = Read($$"""
            <network-security-config>
              <domain-config>
                <domain>android.com</domain>
                <pin-set>
                  <pin digest="SHA-256">{{AospOverriddenPin}}</pin>
                </pin-set>
                <trust-anchors>
                  <certificates src="system" overridePins="false" />
                </trust-anchors>
              </domain-config>
              <debug-overrides>
                <trust-anchors>
                  <certificates src="system" />
                </trust-anchors>
              </debug-overrides>
            </network-security-config>
            """);
        Assert.Single(config.Policies);
        Assert.DoesNotContain(warnings, w => w.Contains("PINS BYPASSED:", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith($"'{Source}' line 13: PINS BYPASSED in debuggable builds: <certificates src=\"system\"> in <debug-overrides> overrides pins", StringComparison.Ordinal) && w.Contains("'android.com'", StringComparison.Ordinal));
        Assert.Contains($"'{Source}' line 11: <debug-overrides> applies only when the app is built debuggable; Pinset has no such builds and ignores it.", warnings);
    }

    [Fact]
    public void Aosp_BadPin_ValidFileWithAWrongPin()
    {
        // XmlConfigTests.testBadPin: the file is valid; connections fail because the pin matches nothing.
        var (config, _) = Read($$"""
            <network-security-config>
              <domain-config>
                <domain>android.com</domain>
                <pin-set>
                  <pin digest="SHA-256">{{AospWrongPin}}</pin>
                </pin-set>
              </domain-config>
            </network-security-config>
            """);
        Assert.Equal(["sha256/" + AospWrongPin], Assert.Single(config.Policies).Pins);
    }

    public static TheoryData<string, string, string> AospBadConfigs => new()
    {
        {
            "bad_config0 (bad digest)",
            $"""<network-security-config><domain-config><domain>android.com</domain><pin-set><pin digest="I am probably not an algorithm">{AospWrongPin}</pin></pin-set></domain-config></network-security-config>""",
            "<pin digest=\"I am probably not an algorithm\"> is not a SHA-256 pin; Android refuses"
        },
        {
            "bad_config1 (no digest)",
            $"""<network-security-config><domain-config><domain>android.com</domain><pin-set><pin>{AospWrongPin}</pin></pin-set></domain-config></network-security-config>""",
            "<pin> has no digest attribute; Android refuses"
        },
        {
            "bad_config2 (empty pin)",
            """<network-security-config><domain-config><domain>android.com</domain><pin-set><pin digest="SHA-256"></pin></pin-set></domain-config></network-security-config>""",
            "<pin digest=\"SHA-256\"> is empty; Android refuses"
        },
        {
            "bad_config3 (domain twice)",
            """<network-security-config><domain-config><domain>android.com</domain></domain-config><domain-config><domain>android.com</domain></domain-config></network-security-config>""",
            "the domain 'android.com' was already named at line 1; Android refuses a domain named twice"
        },
        {
            "bad_config4 (domain in base-config)",
            """<network-security-config><base-config><domain>android.com</domain></base-config></network-security-config>""",
            "<domain> is not allowed in <base-config>; Android refuses it"
        },
        {
            "bad_config5 (pin-set in base-config)",
            """<network-security-config><base-config><pin-set></pin-set></base-config></network-security-config>""",
            "<pin-set> is not allowed in <base-config>; Android refuses it"
        },
    };

    [Theory]
    [MemberData(nameof(AospBadConfigs))]
    public void Aosp_BadConfigs_Refused(string name, string xml, string expected)
    {
        var ex = Refused(xml);
        Assert.True(ex.Errors.Any(e => e.Contains(expected, StringComparison.Ordinal)), $"{name}: {ex.Message}");
    }

    public static TheoryData<string, string, string> AospConfigsWithoutPins => new()
    {
        {
            "attributes",
            """<network-security-config><base-config cleartextTrafficPermitted="false" hstsEnforced="true"></base-config></network-security-config>""",
            "it has no <domain-config>; ignored: cleartextTrafficPermitted, hstsEnforced."
        },
        {
            "multiple_domains",
            """<network-security-config><base-config><trust-anchors></trust-anchors></base-config><domain-config><domain>android.com</domain><domain>google.com</domain><trust-anchors><certificates src="system" /><certificates src="user" /></trust-anchors></domain-config></network-security-config>""",
            "its 1 domain-config has no pin-set; ignored: trust-anchors."
        },
        {
            "nested_domains_override",
            """<network-security-config><base-config cleartextTrafficPermitted="false"></base-config><domain-config cleartextTrafficPermitted="true"><domain includeSubdomains="true">android.com</domain><domain-config cleartextTrafficPermitted="false"><domain>developer.android.com</domain></domain-config></domain-config></network-security-config>""",
            "its 2 domain-configs have no pin-set; ignored: cleartextTrafficPermitted."
        },
        {
            "debug_domain",
            """<network-security-config><domain-config><domain>android.com</domain><trust-anchors><certificates src="@raw/ca_certs_pem" /></trust-anchors></domain-config><debug-overrides><trust-anchors><certificates src="@raw/test_debug_ca" /></trust-anchors></debug-overrides></network-security-config>""",
            "its 1 domain-config has no pin-set; ignored: debug-overrides, trust-anchors."
        },
        {
            "ct_domains",
            """<network-security-config><base-config><certificateTransparency enabled="true" /></base-config><domain-config><domain>android.com</domain><trust-anchors><certificates src="system" /></trust-anchors></domain-config><domain-config><certificateTransparency enabled="true" /><domain>subdomain_user_ct.android.com</domain><trust-anchors><certificates src="user" /></trust-anchors></domain-config></network-security-config>""",
            "its 2 domain-configs have no pin-set; ignored: certificateTransparency, trust-anchors."
        },
    };

    [Theory]
    [MemberData(nameof(AospConfigsWithoutPins))]
    public void Aosp_ConfigsWithoutPins_ValidButPinNothing(string name, string xml, string reason)
    {
        var ex = Refused(xml);
        Assert.Equal($"'{Source}' is a valid network security config but pins no domain: {reason}", ex.Message);
        Assert.Equal([ex.Message], ex.Errors);
        Assert.DoesNotContain("not valid", ex.Message, StringComparison.Ordinal);
        _ = name;
    }

    // ---- Structure ----

    [Fact]
    public void Root_OtherElement_Refused()
    {
        var ex = Refused("<network-security>\n<domain-config/></network-security>");
        Assert.Equal($"'{Source}' line 1: the root element is <network-security>; Android refuses any root but <network-security-config>.", Assert.Single(ex.Errors));
    }

    [Fact]
    public void NotXmlOrDtd_RefusedAsConfigurationErrors()
    {
        Assert.Contains("is not well-formed XML", Refused("<network-security-config><domain-config>").Message, StringComparison.Ordinal);
        Assert.Contains("is not well-formed XML", Refused("<!DOCTYPE x [<!ENTITY a \"b\">]><network-security-config>&a;</network-security-config>").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondBaseConfigOrDebugOverrides_Refused()
    {
        var ex = Refused(Pinned("<base-config/><base-config/><debug-overrides/>\n<debug-overrides/>"));
        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains("a second <base-config> (the first is at line 1); Android refuses more than one.", ex.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"'{Source}' line 2: a second <debug-overrides>", ex.Errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void DomainConfigWithoutDomain_Refused()
    {
        var ex = Refused($"""<network-security-config><domain-config><pin-set><pin digest="SHA-256">{PinA}</pin></pin-set></domain-config></network-security-config>""");
        Assert.Contains("<domain-config> has no <domain>; Android refuses", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryError_Collected_WithLineNumbers()
    {
        var ex = Refused($$"""
            <network-security-config>
              <domain-config>
                <domain>a.example.com</domain>
                <pin-set>
                  <pin digest="SHA-1">{{PinA}}</pin>
                  <pin digest="SHA-256">AAAA</pin>
                </pin-set>
                <pin-set/>
              </domain-config>
              <domain-config>
                <domain>A.Example.com</domain>
              </domain-config>
            </network-security-config>
            """);
        Assert.Equal(
        [
            $"'{Source}' line 5: <pin digest=\"SHA-1\"> is not a SHA-256 pin; Android refuses any digest but SHA-256 (compared without regard to case).",
            $"'{Source}' line 6: the <pin> value 'AAAA' decodes to 3 bytes; a SHA-256 pin is 32 bytes and Android refuses any other length.",
            $"'{Source}' line 8: a second <pin-set> in one <domain-config> (the first is at line 4); Android refuses more than one.",
            $"'{Source}' line 11: the domain 'a.example.com' was already named at line 3; Android refuses a domain named twice anywhere in the file, with or without includeSubdomains.",
        ], ex.Errors);
    }

    [Theory]
    [InlineData("<base-config><domain-config><domain>x.example.com</domain></domain-config></base-config>", "a <domain-config> nested in <base-config>; Android refuses it.")]
    [InlineData("<debug-overrides><domain>x.example.com</domain></debug-overrides>", "<domain> is not allowed in <debug-overrides>; Android refuses it (when the app is built debuggable")]
    [InlineData("<debug-overrides><pin-set/></debug-overrides>", "<pin-set> is not allowed in <debug-overrides>; Android refuses it (when the app is built debuggable")]
    [InlineData("<debug-overrides><certificateTransparency enabled=\"true\"/></debug-overrides>", "<certificateTransparency> is not allowed in <debug-overrides>")]
    [InlineData("<base-config><trust-anchors/><trust-anchors/></base-config>", "a second <trust-anchors> in one <base-config>")]
    [InlineData("<base-config><trust-anchors><certificates/></trust-anchors></base-config>", "<certificates> has no src attribute; Android refuses it.")]
    [InlineData("<base-config><trust-anchors><certificates src=\"System\"/></trust-anchors></base-config>", "<certificates src=\"System\"> names no certificate source Android knows; Android refuses it")]
    public void OutOfPlaceElements_RefusedAsAndroidRefusesThem(string extra, string expected)
    {
        var ex = Refused(Pinned(extra));
        Assert.Contains(expected, Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<domain includeSubdomains=\"true\">example.com</domain>", "<domain>example.com</domain>")]
    [InlineData("<domain>example.com</domain>", "<domain>EXAMPLE.com</domain>")]
    [InlineData("<domain>example.com</domain>", "<domain-config><domain> example.com </domain></domain-config>")]
    public void SameDomainTwice_Refused(string first, string second)
    {
        var ex = Refused($"""
            <network-security-config><domain-config>{first}
            <pin-set><pin digest="SHA-256">{PinA}</pin></pin-set>{second}</domain-config></network-security-config>
            """);
        Assert.Contains("the domain 'example.com' was already named at line 1", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    // ---- Domains ----

    [Fact]
    public void Domain_TrimmedAndLowerCased()
    {
        var (config, _) = Read(Pinned(domains: "<domain>\n  API.Example.COM \t</domain>"));
        Assert.Equal(["api.example.com"], Assert.Single(config.Policies).Hosts);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    [InlineData("True")]
    [InlineData(" true ")]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData("0x1")]
    [InlineData("42")]
    public void IncludeSubdomains_TrueSpellings_AnyDepthWildcard(string value)
    {
        var (config, warnings) = Read(Pinned(domains: $"<domain includeSubdomains=\"{value}\">example.com</domain>"));
        Assert.Equal(["**.example.com"], Assert.Single(config.Policies).Hosts);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("FALSE")]
    [InlineData("False")]
    [InlineData("0")]
    [InlineData("0x0")]
    public void IncludeSubdomains_FalseSpellings_ExactWithoutWarning(string value)
    {
        var (config, warnings) = Read(Pinned(domains: $"<domain includeSubdomains=\"{value}\">example.com</domain>"));
        Assert.Equal(["example.com"], Assert.Single(config.Policies).Hosts);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("tRue")]
    [InlineData("on")]
    [InlineData("")]
    [InlineData("1.0")]
    [InlineData("+1")]
    [InlineData("0X1")]
    [InlineData("@bool/pin_subdomains")]
    public void IncludeSubdomains_UnrecognisedSpelling_ReadAsFalseWithWarning(string value)
    {
        var (config, warnings) = Read(Pinned(domains: $"<domain includeSubdomains=\"{value}\">example.com</domain>"));
        Assert.Equal(["example.com"], Assert.Single(config.Policies).Hosts);
        Assert.Equal($"'{Source}' line 1: includeSubdomains=\"{value}\" is neither a true nor a false spelling Android recognises ('true', 'TRUE', 'True', a non-zero number; 'false', 'FALSE', 'False', '0'); Android reads it as false, the default, and so does Pinset.", Assert.Single(warnings));
    }

    [Fact]
    public void IncludeSubdomains_ColourLiteral_ReadAsAndroidReadsIt()
    {
        var (config, warnings) = Read(Pinned(domains: "<domain includeSubdomains=\"#fff\">example.com</domain>"));
        Assert.Equal(["**.example.com"], Assert.Single(config.Policies).Hosts);
        Assert.Contains("as a colour, which Android reads as true", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void IncludeSubDomains_MisspelledAttribute_WarnedAndExact()
    {
        var (config, warnings) = Read(Pinned(domains: "<domain includeSubDomains=\"true\">example.com</domain>"));
        Assert.Equal(["example.com"], Assert.Single(config.Policies).Hosts);
        Assert.Contains("which Android does not read (Android spells it 'includeSubdomains', and is exact about case)", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("example.com.", "ends with a dot")]
    [InlineData("*.example.com", "is not a host name")]
    [InlineData("https://example.com", "is not a host name")]
    public void Domain_AndroidNeverMatches_LeftOutWithWarning(string domain, string expected)
    {
        var (config, warnings) = Read(Pinned(domains: $"<domain>{domain}</domain><domain>ok.example.org</domain>"));
        Assert.Equal(["ok.example.org"], Assert.Single(config.Policies).Hosts);
        Assert.Contains(warnings, w => w.Contains($"<domain>{domain}</domain> {expected}", StringComparison.Ordinal) && w.Contains("It is left out.", StringComparison.Ordinal));
    }

    [Fact]
    public void Domain_WithElementInside_Refused()
    {
        var ex = Refused(Pinned(domains: "<domain>ok.example.org</domain><domain>example.com<b/></domain>"));
        Assert.Contains("<domain> holds the element <b>; Android refuses", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Domain_Blank_Refused()
    {
        var ex = Refused(Pinned(domains: "<domain>ok.example.org</domain><domain>   </domain>"));
        Assert.Contains("<domain> is empty; Android refuses a domain without a name.", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    // ---- Nesting and inheritance ----

    [Fact]
    public void NestedDomainConfigs_EachItsOwnPolicy_InheritingThePinSet()
    {
        var (config, warnings) = Read($$"""
            <network-security-config>
              <domain-config>
                <domain includeSubdomains="true">example.com</domain>
                <pin-set expiration="2027-06-30">
                  <pin digest="SHA-256">{{PinA}}</pin>
                  <pin digest="SHA-256">{{PinB}}</pin>
                </pin-set>
                <domain-config cleartextTrafficPermitted="true">
                  <domain>legacy.example.org</domain>
                  <domain-config>
                    <domain>deep.example.net</domain>
                  </domain-config>
                </domain-config>
                <domain-config>
                  <domain>api.example.com</domain>
                  <pin-set><pin digest="SHA-256">{{PinB}}</pin></pin-set>
                </domain-config>
              </domain-config>
            </network-security-config>
            """);
        Assert.Equal(4, config.Policies.Count);
        Assert.Equal(["**.example.com"], config.Policies[0].Hosts);
        Assert.Equal(["legacy.example.org"], config.Policies[1].Hosts);
        Assert.Equal(["deep.example.net"], config.Policies[2].Hosts);
        Assert.Equal(["api.example.com"], config.Policies[3].Hosts);
        foreach (var inherited in config.Policies.Take(3))
        {
            Assert.Equal(["sha256/" + PinA, "sha256/" + PinB], inherited.Pins);
            Assert.Equal("2027-06-30", inherited.Expires);
        }

        Assert.Equal(["sha256/" + PinB], config.Policies[3].Pins);
        Assert.Null(config.Policies[3].Expires);
        Assert.Equal($"'{Source}' line 8: cleartextTrafficPermitted=\"true\" on the <domain-config> for 'legacy.example.org' lets the app send plain HTTP (Android reads it as true); Pinset pins TLS connections and cannot express it, so it is ignored.", Assert.Single(warnings));
    }

    [Fact]
    public void NestedEmptyPinSet_OverridesParent_ChildUnpinnedAndCarvedOut()
    {
        var (config, warnings) = Read($$"""
            <network-security-config>
              <domain-config>
                <domain includeSubdomains="true">example.com</domain>
                <pin-set><pin digest="SHA-256">{{PinA}}</pin><pin digest="SHA-256">{{PinB}}</pin></pin-set>
                <domain-config>
                  <domain>cdn.example.com</domain>
                  <pin-set/>
                </domain-config>
              </domain-config>
            </network-security-config>
            """);
        Assert.Equal(["**.example.com"], Assert.Single(config.Policies).Hosts);
        Assert.Equal($"'{Source}' line 5: the <domain-config> for 'cdn.example.com' has a <pin-set> (line 7) without a <pin>, so Android does not pin them and Pinset writes no policy for them. Android's most specific match leaves 'cdn.example.com' unpinned, but Pinset's policy for '**.example.com' pins it.", Assert.Single(warnings));
    }

    [Fact]
    public void UnpinnedDomainConfig_WarnedByName()
    {
        var (config, warnings) = Read($$"""
            <network-security-config>
              <domain-config><domain>pinned.example.com</domain><pin-set><pin digest="SHA-256">{{PinA}}</pin></pin-set></domain-config>
              <domain-config cleartextTrafficPermitted="true"><domain>cleartext.example.com</domain><domain includeSubdomains="true">old.example.org</domain></domain-config>
            </network-security-config>
            """);
        Assert.Single(config.Policies);
        Assert.Contains($"'{Source}' line 3: the <domain-config> for 'cleartext.example.com', 'old.example.org' and its subdomains has no <pin-set>, nor a parent <domain-config> with one, so Android does not pin them and Pinset writes no policy for them.", warnings);
    }

    [Fact]
    public void ValidButNothingPinned_OneMessageSayingSo()
    {
        var ex = Refused("""
            <network-security-config>
              <base-config cleartextTrafficPermitted="false"><trust-anchors><certificates src="system"/></trust-anchors></base-config>
              <domain-config><domain>a.example.com</domain></domain-config>
              <domain-config><domain>b.example.com</domain><pin-set/></domain-config>
              <domain-config><domain>c.example.com</domain><pinset/></domain-config>
            </network-security-config>
            """);
        Assert.Equal($"'{Source}' is a valid network security config but pins no domain: 2 domain-configs have no pin-set, 1 domain-config has a pin-set without a pin; ignored: <pinset>, cleartextTrafficPermitted, trust-anchors.", ex.Message);
    }

    [Fact]
    public void DomainConfigsNestedPastAndroidsLimit_RefusedAsAndroidRefusesThem()
    {
        // Past Android's 64 but within the XML depth any reader takes (deeper files are refused unread: WriterSafetyTests).
        int depth = 100;
        var xml = new System.Text.StringBuilder("<network-security-config>");
        for (int i = 0; i < depth; i++)
        {
            xml.Append($"<domain-config><domain>d{i}.example.com</domain>");
        }

        xml.Append($"<pin-set><pin digest=\"SHA-256\">{PinA}</pin></pin-set>");
        xml.Insert(xml.Length, string.Concat(Enumerable.Repeat("</domain-config>", depth))).Append("</network-security-config>");
        var ex = Refused(xml.ToString());
        Assert.Contains("<domain-config> nested more than 64 deep", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void OverridePins_OneWarningPerCertificatesListingEveryPinnedDomain()
    {
        var (config, warnings) = Read($$"""
            <network-security-config>
              <base-config><trust-anchors><certificates src="user" overridePins="1"/></trust-anchors></base-config>
              <domain-config><domain>a.example.com</domain><pin-set><pin digest="SHA-256">{{PinA}}</pin></pin-set></domain-config>
              <domain-config><domain>b.example.com</domain><pin-set><pin digest="SHA-256">{{PinB}}</pin></pin-set></domain-config>
            </network-security-config>
            """);
        Assert.Equal(2, config.Policies.Count);
        var bypassed = Assert.Single(warnings, w => w.Contains("PINS BYPASSED", StringComparison.Ordinal));
        Assert.Contains("applies to the <domain-config> for 'a.example.com', 'b.example.com': Android does not check their pins", bypassed, StringComparison.Ordinal);
    }

    // ---- Pins ----

    [Theory]
    [InlineData("sha-256")]
    [InlineData("Sha-256")]
    [InlineData("\u017Fha-256")] // Java's equalsIgnoreCase upper-cases the long s to 'S'.
    public void PinDigest_ComparedIgnoringCaseAsJavaDoes(string digest)
    {
        var (config, _) = Read(Pinned(pins: $"<pin digest=\"{digest}\">{PinA}</pin>"));
        Assert.Equal(["sha256/" + PinA], Assert.Single(config.Policies).Pins);
    }

    [Theory]
    [InlineData("SHA256")]
    [InlineData("SHA-1")]
    [InlineData(" SHA-256")]
    [InlineData("SHA-512")]
    public void PinDigest_OtherThanSha256_Refused(string digest)
    {
        var ex = Refused(Pinned(pins: $"<pin digest=\"{digest}\">{PinA}</pin>"));
        Assert.Equal($"'{Source}' line 1: <pin digest=\"{digest}\"> is not a SHA-256 pin; Android refuses any digest but SHA-256 (compared without regard to case).", Assert.Single(ex.Errors));
    }

    [Fact]
    public void PinValue_ReadAsAndroidBase64Reads_CanonicalPinWithWarning()
    {
        // Android's decoder skips whitespace and any byte outside the alphabet, and takes missing padding.
        string spaced = PinA[..20] + " \n " + PinA[20..].TrimEnd('=');
        var (config, warnings) = Read(Pinned(pins: $"<pin digest=\"SHA-256\">{spaced}</pin>"));
        Assert.Equal(["sha256/" + PinA], Assert.Single(config.Policies).Pins);
        Assert.Contains($"reads it as '{PinA}'", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AAAA", "decodes to 3 bytes")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "decodes to 36 bytes")]
    [InlineData("A", "is not valid base64")]
    [InlineData("AA=A", "is not valid base64")]
    [InlineData("==", "is not valid base64")]
    public void PinValue_WrongLengthOrBadBase64_Refused(string value, string expected)
    {
        var ex = Refused(Pinned(pins: $"<pin digest=\"SHA-256\">{value}</pin>"));
        Assert.Contains(expected, Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_WithElementInside_Refused()
    {
        var ex = Refused(Pinned(pins: $"<pin digest=\"SHA-256\">{PinA}<x/></pin>"));
        Assert.Contains("<pin> holds the element <x>; Android refuses", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    // ---- Expiration ----

    [Theory]
    [InlineData("2027-06-30", "2027-06-30")]
    [InlineData("2027-6-1", "2027-06-01")]
    [InlineData(" 2027-06-30", "2027-06-30")]
    [InlineData("2028-02-29", "2028-02-29")]
    public void Expiration_ParsedAsSimpleDateFormat(string value, string expected)
    {
        var (config, warnings) = Read(Pinned(expiration: value));
        Assert.Equal(expected, Assert.Single(config.Policies).Expires);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Expiration_TrailingText_IgnoredAsAndroidIgnoresIt()
    {
        var (config, warnings) = Read(Pinned(expiration: "2027-06-30T12:00:00Z"));
        Assert.Equal("2027-06-30", Assert.Single(config.Policies).Expires);
        Assert.Contains("Android reads only the date at its start, 2027-06-30, and ignores 'T12:00:00Z'.", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2027-02-29")]
    [InlineData("2027-13-01")]
    [InlineData("2027-00-10")]
    [InlineData("30/06/2027")]
    [InlineData("2027/06/30")]
    [InlineData("")]
    [InlineData("0000-01-01")]
    [InlineData("June 30, 2027")]
    public void Expiration_NotADateAndroidReads_Refused(string value)
    {
        var ex = Refused(Pinned(expiration: value));
        Assert.Equal($"'{Source}' line 1: <pin-set expiration=\"{value}\"> is not a date Android can read; Android refuses it (expected yyyy-MM-dd, such as '2027-06-30').", Assert.Single(ex.Errors));
    }

    [Fact]
    public void Expiration_JudgedAgainstTheGivenTime()
    {
        string xml = Pinned(expiration: "2026-06-01");
        var before = new List<string>();
        AndroidNetworkSecurityConfig.Read(xml, Source, before, new DateTimeOffset(2026, 5, 31, 23, 59, 59, TimeSpan.Zero));
        Assert.Empty(before);
        var after = new List<string>();
        var config = AndroidNetworkSecurityConfig.Read(xml, Source, after, new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal("2026-06-01", Assert.Single(config.Policies).Expires);
        Assert.Contains("Android ignores these pins, so the app is not pinned for 'example.com'; the Pinset policy is already expired too.", Assert.Single(after), StringComparison.Ordinal);
    }

    // ---- What Pinset cannot express ----

    [Fact]
    public void TrustAnchorsAndOverridePins_InheritedFromBaseConfig_WarnedWithSourceAndDomains()
    {
        var (config, warnings) = Read($$"""
            <network-security-config>
              <base-config>
                <trust-anchors>
                  <certificates src="system"/>
                  <certificates src="user" overridePins="true"/>
                </trust-anchors>
              </base-config>
              <domain-config>
                <domain includeSubdomains="true">example.com</domain>
                <pin-set><pin digest="SHA-256">{{PinA}}</pin></pin-set>
              </domain-config>
              <domain-config>
                <domain>own.example.org</domain>
                <pin-set><pin digest="SHA-256">{{PinA}}</pin></pin-set>
                <trust-anchors><certificates src="@raw/company_ca"/></trust-anchors>
              </domain-config>
            </network-security-config>
            """);
        Assert.Equal(2, config.Policies.Count);
        var bypassed = Assert.Single(warnings, w => w.Contains("PINS BYPASSED", StringComparison.Ordinal));
        Assert.Equal($"'{Source}' line 5: PINS BYPASSED: <certificates src=\"user\" overridePins=\"true\"> applies to the <domain-config> for 'example.com' and its subdomains: Android does not check their pins on a chain anchored at a 'user' CA, so against those CAs the app is in effect not pinned. Pinset's policy pins them anyway.", bypassed);
        Assert.Contains($"'{Source}' line 3: <trust-anchors> of <base-config> (the default of every domain that does not set its own) chooses the CAs Android trusts ('system', 'user'); Pinset validates chains against the operating system's trust store and cannot express it, so it is ignored.", warnings);
        Assert.Contains(warnings, w => w.StartsWith($"'{Source}' line 15: <trust-anchors> of the <domain-config> for 'own.example.org' chooses the CAs Android trusts ('@raw/company_ca')", StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_Warned_NamingTheDomains()
    {
        var (_, warnings) = Read($$"""
            <network-security-config>
              <domain-config hstsEnforced="true">
                <domain>example.com</domain>
                <certificateTransparency enabled="true"/>
                <pin-set><pin digest="SHA-256">{{PinA}}</pin></pin-set>
              </domain-config>
            </network-security-config>
            """);
        Assert.Equal(
        [
            $"'{Source}' line 2: hstsEnforced=\"true\" on the <domain-config> for 'example.com' makes Android honour HSTS (Android reads it as true); Pinset pins TLS connections and cannot express it, so it is ignored.",
            $"'{Source}' line 4: <certificateTransparency enabled=\"true\"> on the <domain-config> for 'example.com' asks recent Android versions to require Certificate Transparency (Android reads it as true); Pinset pins TLS connections and cannot express it, so it is ignored.",
        ], warnings);
    }

    [Fact]
    public void UnknownElements_WarnedWhereverTheyAre()
    {
        var (config, warnings) = Read($$"""
            <network-security-config>
              <domain-configs/>
              <domain-config>
                <domain>example.com</domain>
                <pin-set>
                  <pin digest="SHA-256">{{PinA}}</pin>
                  <backup-pin digest="SHA-256">{{PinB}}</backup-pin>
                </pin-set>
                <pinset/>
              </domain-config>
            </network-security-config>
            """);
        Assert.Equal(["sha256/" + PinA], Assert.Single(config.Policies).Pins);
        Assert.Equal(
        [
            $"'{Source}' line 2: <domain-configs> is not an element Android knows; Android skips it and everything inside it without a word, and so does Pinset.",
            $"'{Source}' line 9: <pinset> in the <domain-config> for 'example.com' is not an element Android knows; Android skips it and everything inside it without a word, and so does Pinset.",
            $"'{Source}' line 7: <backup-pin> in the <domain-config> for 'example.com' is not an element Android knows; Android skips it and everything inside it without a word, and so does Pinset.",
        ], warnings);
    }

    [Fact]
    public void WfaSource_AcceptedWithWarning()
    {
        var (_, warnings) = Read(Pinned("<base-config><trust-anchors><certificates src=\"wfa\"/></trust-anchors></base-config>"));
        Assert.Contains(warnings, w => w.Contains("older ones refuse the file", StringComparison.Ordinal));
    }

    // ---- Entry points ----

    [Fact]
    public void TwoArgumentRead_DiscardsWarnings()
    {
        var config = AndroidNetworkSecurityConfig.Read(Pinned("<base-config cleartextTrafficPermitted=\"false\"/>"));
        Assert.Equal(["example.com"], Assert.Single(config.Policies).Hosts);
    }

    [Fact]
    public void Written_ReadsBackTheSame()
    {
        var configuration = new PinningConfiguration
        {
            Policies =
            [
                new HostPolicyConfiguration { Hosts = ["api.example.com", "**.ws.example.com"], Pins = ["sha256/" + PinA, "sha256/" + PinB], Expires = "2027-06-30" },
                new HostPolicyConfiguration { Hosts = ["other.example.org"], Pins = ["sha256/" + PinB] },
            ],
        };
        string xml = AndroidNetworkSecurityConfig.Write(configuration, []);
        var (back, warnings) = Read(xml);
        Assert.Empty(warnings);
        Assert.Equal(xml, AndroidNetworkSecurityConfig.Write(back, []));
        Assert.Equal(configuration.Policies[0].Hosts, back.Policies[0].Hosts);
        Assert.Equal("2027-06-30", back.Policies[0].Expires);
    }

    private static (PinningConfiguration Config, List<string> Warnings) Read(string xml)
    {
        var warnings = new List<string>();
        var config = AndroidNetworkSecurityConfig.Read(xml, Source, warnings, Now);
        return (config, warnings);
    }

    private static PinningConfigurationException Refused(string xml) =>
        Assert.Throws<PinningConfigurationException>(() => AndroidNetworkSecurityConfig.Read(xml, Source, new List<string>(), Now));

    /// <summary>A one-line file with one pinned domain-config, and <paramref name="extra"/> after it.</summary>
    private static string Pinned(string extra = "", string domains = "<domain>example.com</domain>", string? pins = null, string? expiration = null)
    {
        pins ??= $"<pin digest=\"SHA-256\">{PinA}</pin>";
        string expires = expiration is null ? string.Empty : $" expiration=\"{expiration}\"";
        return $"<network-security-config><domain-config>{domains}<pin-set{expires}>{pins}</pin-set></domain-config>{extra}</network-security-config>";
    }
}
