using System.Globalization;
using System.Text;

namespace SecretShare.Cli;

/// <summary>
/// What reaches a terminal: C0 and C1 control characters are written as visible escapes (<c>\x1B</c>, <c>\u009B</c>),
/// except tab, line feed and a carriage return right before a line feed. A secret's text, its file names and a server's
/// messages are chosen by someone else; raw, an escape sequence in them could retitle the window, rewrite what is on
/// screen, or set the clipboard (OSC 52). Redirected output is not wrapped: <c>get &gt; file</c> keeps every byte.
/// </summary>
internal sealed class TerminalWriter(TextWriter inner) : TextWriter(inner.FormatProvider)
{
    private bool _pendingCarriageReturn;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (_pendingCarriageReturn)
        {
            _pendingCarriageReturn = false;
            inner.Write(value == '\n' ? "\r" : Escape('\r'));
        }

        if (value == '\r')
        {
            // Decided by the next character: only CR LF is a line end, a lone CR would move back over the line.
            _pendingCarriageReturn = true;
        }
        else if (value is '\n' or '\t' || !IsControl(value))
        {
            inner.Write(value);
        }
        else
        {
            inner.Write(Escape(value));
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
        {
            Write(c);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        foreach (var c in buffer.AsSpan(index, count))
        {
            Write(c);
        }
    }

    public override void Flush()
    {
        if (_pendingCarriageReturn)
        {
            _pendingCarriageReturn = false;
            inner.Write(Escape('\r'));
        }

        inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    /// <summary>C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F): the characters a terminal acts on instead of showing.</summary>
    private static bool IsControl(char c) => c < 0x20 || c is >= '\u007f' and <= '\u009f';

    private static string Escape(char c) => c < 0x80
        ? "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture)
        : "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
}
