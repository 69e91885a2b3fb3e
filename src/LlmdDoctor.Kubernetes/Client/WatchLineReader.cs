using System.Text;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// Reads the newline-delimited events of a watch body with a bound on the line length and an idle timeout;
/// an idle or broken stream reads as its end so the watch reopens from the last resourceVersion.
/// </summary>
internal sealed class WatchLineReader(HttpResponseMessage response, Stream body, Uri url, long maxLineBytes, TimeSpan idleTimeout) : IAsyncDisposable
{
    private readonly byte[] _buffer = new byte[16384];
    private readonly MemoryStream _line = new();
    private int _start;
    private int _end;

    public Uri Url => url;

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.SetLength(0);
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                _line.Write(_buffer, _start, newline - _start);
                _start = newline + 1;
                return Encoding.UTF8.GetString(_line.GetBuffer(), 0, (int)_line.Length).TrimEnd('\r');
            }

            _line.Write(_buffer, _start, _end - _start);
            if (_line.Length > maxLineBytes)
            {
                throw new KubeUnavailableException($"watch {url}: an event is larger than {maxLineBytes} bytes", url);
            }

            _start = 0;
            _end = await FillAsync(cancellationToken).ConfigureAwait(false);
            if (_end == 0)
            {
                // A partial last line at the end of the stream is dropped; the watch resumes from the last complete event.
                return null;
            }
        }
    }

    private async Task<int> FillAsync(CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        try
        {
            return await body.ReadAsync(_buffer, idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await body.DisposeAsync().ConfigureAwait(false);
        response.Dispose();
        await _line.DisposeAsync().ConfigureAwait(false);
    }
}
