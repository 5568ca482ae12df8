namespace Pinset.Extensions.Tests.DocExamples;

/// <summary>The docs' typed client: any class taking an HttpClient.</summary>
internal sealed class ExchangeApi(HttpClient http)
{
    public Task<string> TickerAsync() => http.GetStringAsync(new Uri("https://api.exchange.com/ticker"));
}
