using Microsoft.Playwright;

namespace Octomix.Web.Tests;

/// <summary>
/// One headless Chromium for a test class (Microsoft.Playwright driving Debian's chromium,
/// /usr/bin/chromium, installed by .ci/run; OCTOMIX_CHROMIUM points elsewhere). Each test opens
/// its own context and page in it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string Chromium => Environment.GetEnvironmentVariable("OCTOMIX_CHROMIUM") ?? "/usr/bin/chromium";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser did not start");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            return; // each test says so (Assert in NewPageAsync)
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A new page (its own context: cookies, downloads) of 1280×900, 15 s default timeout.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return (context, page);
    }

    public async Task DisposeAsync()
    {
        if (_browser != null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
