using Platform.Testing;

namespace Platform.AppHost.Bench;

/// <summary>
/// nginx (Debian's package) as a plain reverse proxy in front of one inference service: the baseline for what any HTTP hop
/// costs on this machine. It keeps connections to the service open (an upstream keepalive pool, as the gateway does) and
/// logs nothing per request; it neither routes by model nor fails over.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private readonly ExternalProcess _process;
    private readonly string _folder;

    private NginxProxy(ExternalProcess process, string folder, Uri url)
    {
        _process = process;
        _folder = folder;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Null, with the reason on stderr, where nginx is not installed (<c>apt-get install -y nginx-light</c>).</summary>
    public static async Task<NginxProxy?> StartAsync(Uri upstream)
    {
        var executable = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);
        if (executable is null)
        {
            Console.Error.WriteLine("nginx is not installed (apt-get install -y nginx-light): no baseline proxy in the gateway rounds.");
            return null;
        }
        var folder = Directory.CreateTempSubdirectory("platform-bench-nginx-").FullName;
        var port = FreePort.Next();
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), $$"""
            daemon off;
            worker_processes auto;
            pid {{folder}}/nginx.pid;
            error_log stderr warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{folder}}/body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                upstream inference {
                    server {{upstream.Host}}:{{upstream.Port}};
                    keepalive 64;
                }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://inference;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }
                }
            }
            """);
        try
        {
            var process = await ExternalProcess.StartAsync(executable, ["-p", folder, "-c", Path.Combine(folder, "nginx.conf")], port, TimeSpan.FromSeconds(30));
            return new NginxProxy(process, folder, new Uri($"http://127.0.0.1:{port}"));
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
