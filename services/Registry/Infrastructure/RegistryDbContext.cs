using Microsoft.EntityFrameworkCore;
using Platform.Registry.Model;

namespace Platform.Registry.Infrastructure;

/// <summary>
/// The registry's database. The model is the same for every provider; each provider has a subclass only so that it gets
/// its own migrations (<see cref="SqliteRegistryDbContext"/>, <see cref="PostgresRegistryDbContext"/>).
/// </summary>
public abstract class RegistryDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<RegisteredModel> Models => Set<RegisteredModel>();

    public DbSet<ModelVersion> Versions => Set<ModelVersion>();

    public DbSet<ModelAlias> Aliases => Set<ModelAlias>();

    public DbSet<AliasChange> AliasChanges => Set<AliasChange>();

    public DbSet<Replica> Replicas => Set<Replica>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RegisteredModel>(model =>
        {
            model.ToTable("models");
            model.HasIndex(m => m.Name).IsUnique();
            model.Property(m => m.Name).HasMaxLength(63);
            model.Property(m => m.Description).HasMaxLength(Limits.DescriptionLength);
        });

        modelBuilder.Entity<ModelVersion>(version =>
        {
            version.ToTable("model_versions");
            version.HasIndex(v => new { v.ModelId, v.Version }).IsUnique();
            version.HasOne(v => v.Model).WithMany().HasForeignKey(v => v.ModelId);
            // A concurrency token, so the registrar and the abandoned-upload sweeper can never both settle one upload.
            version.Property(v => v.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
            version.Property(v => v.Sha256).HasMaxLength(64);
            version.Property(v => v.Signature).HasConversion(JsonColumn.Converter<ModelSignature?>(), JsonColumn.Comparer<ModelSignature?>());
            version.Property(v => v.Lineage).HasConversion(JsonColumn.Converter<Lineage>(), JsonColumn.Comparer<Lineage>());
            version.HasMany(v => v.Replicas).WithOne().HasForeignKey(r => r.ModelVersionId);
        });

        modelBuilder.Entity<ModelAlias>(alias =>
        {
            alias.ToTable("model_aliases");
            alias.HasIndex(a => new { a.ModelId, a.Name }).IsUnique();
            alias.Property(a => a.Name).HasMaxLength(63);
            alias.Property(a => a.Stamp).IsConcurrencyToken();
            alias.HasOne<RegisteredModel>().WithMany().HasForeignKey(a => a.ModelId);
        });

        modelBuilder.Entity<AliasChange>(change =>
        {
            change.ToTable("alias_changes");
            change.HasIndex(c => new { c.ModelId, c.Alias });
            change.HasOne<RegisteredModel>().WithMany().HasForeignKey(c => c.ModelId);
        });

        modelBuilder.Entity<Replica>(replica =>
        {
            replica.ToTable("replicas");
            replica.HasIndex(r => new { r.ModelVersionId, r.Store }).IsUnique();
            replica.Property(r => r.Sha256).HasMaxLength(64);
        });

        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.ToTable("outbox");
            message.HasIndex(m => m.DispatchedAt);
            message.Property(m => m.MessageType).HasMaxLength(200);
        });
    }
}

public sealed class SqliteRegistryDbContext(DbContextOptions<SqliteRegistryDbContext> options) : RegistryDbContext(options);

public sealed class PostgresRegistryDbContext(DbContextOptions<PostgresRegistryDbContext> options) : RegistryDbContext(options);
