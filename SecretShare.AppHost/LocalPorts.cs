using System.Net;
using System.Net.Sockets;

/// <summary>Checks a fixed local port before anything starts, so a taken port is one clear line, not a failing proxy.</summary>
internal static class LocalPorts
{
    public static void EnsureFree(int? port)
    {
        if (port is not { } fixedPort)
        {
            return;
        }

        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, fixedPort);
            listener.Start();
        }
        catch (SocketException)
        {
            throw new AppHostSettingsException(
                $"Port {fixedPort} is already in use: stop what listens there, or choose another port with " +
                "`-- --Api:HttpPort N` (0 = any free port).");
        }
    }
}
