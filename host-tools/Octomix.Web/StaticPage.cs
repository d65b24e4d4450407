using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Octomix.Web;

/// <summary>The page: index.html and its scripts and styles, embedded in this assembly (wwwroot/), served as they are.</summary>
internal static class StaticPage
{
    /// <summary>Every file under wwwroot/ is served at its name; index.html also at /.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (string resource in typeof(StaticPage).Assembly.GetManifestResourceNames().Where(r => r.StartsWith("wwwroot/", StringComparison.Ordinal)))
        {
            string name = resource["wwwroot/".Length..];
            string? type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".png" => "image/png",
                ".svg" => "image/svg+xml",
                _ => null,
            };
            if (type == null)
            {
                continue;
            }

            byte[] bytes = Read(resource);
            app.MapGet("/" + name, () => Results.Bytes(bytes, type));
            if (name == "index.html")
            {
                app.MapGet("/", () => Results.Bytes(bytes, type));
            }
        }
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(StaticPage).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the web console's {resource} is not in the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
