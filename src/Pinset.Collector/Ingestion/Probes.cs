namespace Pinset.Collector;

/// <summary>
/// Reports from a probe rather than from users: <c>pinset check --report</c> labels its reports with the app name
/// <see cref="AppName"/>. The dashboard shows them apart (a failed check, never users cut off) and alerts do not count
/// them. <c>pinset tunnel --report</c> labels its reports 'pinset tunnel': the tunnel carries its clients' real
/// connections, so those reports count as theirs.
/// </summary>
internal static class Probes
{
    /// <summary>The <c>app-name</c> of <c>pinset check --report</c>.</summary>
    public const string AppName = "pinset check";

    /// <summary>SQL true for a probe's row (a constant, never input).</summary>
    public const string Sql = "app_name = '" + AppName + "'";

    /// <summary>SQL true for a row from apps.</summary>
    public const string NotSql = "app_name <> '" + AppName + "'";
}
