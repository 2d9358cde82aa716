using Microsoft.EntityFrameworkCore;

namespace SecretShare.Storage.Postgres;

/// <summary>EF Core model of the schema that <see cref="PostgresSchemaMigrator"/> creates; the SQL scripts own the schema.</summary>
internal sealed class SecretsDbContext(DbContextOptions<SecretsDbContext> options) : DbContext(options)
{
    public DbSet<SecretRow> Secrets => Set<SecretRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var secret = modelBuilder.Entity<SecretRow>();
        secret.ToTable("secrets");
        secret.HasKey(s => s.Id);
        secret.Property(s => s.Id).HasColumnName("id");
        secret.Property(s => s.EncryptedData).HasColumnName("encrypted_data");
        secret.Property(s => s.AccessHash).HasColumnName("access_hash");
        secret.Property(s => s.ManageHash).HasColumnName("manage_hash");
        secret.Property(s => s.CreatedAt).HasColumnName("created_at");
        secret.Property(s => s.ExpiresAt).HasColumnName("expires_at");
        secret.Property(s => s.MaxViews).HasColumnName("max_views");
        secret.Property(s => s.Views).HasColumnName("views");
        secret.Property(s => s.FailedAttempts).HasColumnName("failed_attempts");
        secret.Property(s => s.Extendable).HasColumnName("extendable");
        secret.Property(s => s.PassphraseProtected).HasColumnName("passphrase_protected");
    }
}
