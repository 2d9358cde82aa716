using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using SecretShare.Api.Apis;
using SecretShare.Api.Secrets;
using SecretShare.Storage.Secrets;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Unit;

/// <summary>The rules that C# decides by itself: the extension's bounds, the event chain and its folding, ids, field errors.</summary>
[Trait("Tier", "Unit")]
public sealed class RulesTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_extension_moves_the_expiry_up_to_now_plus_the_maximum_and_never_past_the_secrets_limit()
    {
        var state = State(expiresAt: Created.AddHours(1), limit: Created.AddHours(10));
        var now = Created.AddMinutes(30);

        Assert.Equal(Created.AddHours(3), Extend(TimeSpan.FromHours(2), 0, state, now)!.ExpiresAt);
        Assert.Equal(now.AddHours(5), Extend(TimeSpan.FromHours(9), 0, state, now)!.ExpiresAt);
        Assert.Equal(Created.AddHours(10), Extend(TimeSpan.FromHours(9), 0, state, now.AddHours(8))!.ExpiresAt);
        Assert.Null(Extend(TimeSpan.FromHours(1), 0, state with { ExpiresAt = Created.AddHours(10) }, now.AddHours(8)));
    }

    [Fact]
    public void Views_are_added_only_to_a_limited_secret_and_up_to_the_bound_even_when_the_time_cannot_move()
    {
        var atLimit = State(expiresAt: Created.AddHours(1), limit: Created.AddHours(1)) with { MaxViews = 3 };

        Assert.Equal(5, Extend(TimeSpan.FromHours(1), 2, atLimit, Created)!.MaxViews);
        Assert.Null(Extend(TimeSpan.Zero, 8, atLimit, Created));
        Assert.Null(Extend(TimeSpan.Zero, 1, atLimit with { MaxViews = null }, Created));
    }

    [Fact]
    public void A_full_trail_counts_non_terminal_events_and_records_them_before_the_terminal_one()
    {
        using var keys = TestAuditKeys.Ring();
        var head = new AuditHead("id", [], 97, new byte[32], Created, Closed: false, FoldedEvents.None);

        var last = EventChain.Append(keys, head, Created, Created, new EventDraft(SecretEventTypes.Viewed, null));
        Assert.Equal([98], last.Events.Select(e => e.Seq));

        var full = head with { LastSeq = last.LastSeq, LastHash = last.LastHash };
        var folded = EventChain.Append(keys, full, Created, Created, new EventDraft(SecretEventTypes.Extended, null), new EventDraft(SecretEventTypes.Viewed, null));
        Assert.Empty(folded.Events);
        Assert.Equal(new FoldedEvents(1, 1, 0), folded.Folded);

        var closed = EventChain.Append(
            keys, full with { Folded = folded.Folded }, Created, Created, new EventDraft(SecretEventTypes.Viewed, 0), new EventDraft(SecretEventTypes.Burned, 0, "last_view"));
        Assert.Equal([(99, "folded", "viewed:2 extended:1"), (100, "burned", "last_view")], closed.Events.Select(e => (e.Seq, e.Type, e.Detail)));
        Assert.Equal(FoldedEvents.None, closed.Folded);
        Assert.Equal(closed.Events[^1].Hash, closed.LastHash);
        Assert.Equal(last.LastHash, closed.Events[0].PrevHash);
    }

    [Fact]
    public void A_chain_verifies_and_names_the_first_link_that_was_changed_removed_or_cut()
    {
        using var keys = TestAuditKeys.Ring();
        var events = new List<SecretEvent>();
        var link = (Seq: 0, Hash: EventChain.Genesis);
        foreach (var type in new[] { SecretEventTypes.Created, SecretEventTypes.Viewed, SecretEventTypes.Viewed })
        {
            var next = EventChain.Next(keys.Current, "id", link, type, Created, 1);
            events.Add(next);
            link = (next.Seq, next.Hash);
        }

        AuditTrail Trail(IReadOnlyList<SecretEvent> list, int lastSeq, byte[] lastHash) =>
            new(new AuditHead("id", [], lastSeq, lastHash, Created, false, FoldedEvents.None, keys.Current.Id,
                EventChain.ComputeHeadMac(keys.Current, "id", lastSeq, lastHash, closed: false, Created, FoldedEvents.None)), list);

        Assert.True(EventChain.Verify(Trail(events, 3, link.Hash), keys).Verified);
        Assert.Contains("Event 2", EventChain.Verify(Trail([events[0], events[1] with { Type = "extended" }, events[2]], 3, link.Hash), keys).Problem);
        Assert.Contains("Event 2 is missing", EventChain.Verify(Trail([events[0], events[2]], 3, link.Hash), keys).Problem);
        Assert.Contains("ends at event 2", EventChain.Verify(Trail([events[0], events[1]], 3, link.Hash), keys).Problem);
        Assert.False(EventChain.Verify(Trail(events, 3, new byte[32]), keys).Verified);
    }

    [Fact]
    public void Ids_are_the_canonical_base64url_of_16_random_bytes_and_logs_see_four_characters()
    {
        var id = SecretTokens.NewId();

        Assert.True(SecretTokens.IsWellFormedId(id));
        Assert.NotEqual(id, SecretTokens.NewId());
        Assert.False(SecretTokens.IsWellFormedId(id + "A"));
        Assert.False(SecretTokens.IsWellFormedId(id.Replace(id[0], id[0] == '+' ? '/' : '+')));
        Assert.Equal(id[..4] + "…", SecretTokens.Redact(id));
        Assert.Equal(SHA256.HashData([1, 2]), SecretTokens.Hash([1, 2]));
    }

    [Fact]
    public void Field_errors_collect_every_message_into_one_400()
    {
        var errors = new FieldErrors();
        Assert.Null(errors.RequireToken("accessToken", "short"));
        errors.RequireRange("maxViews", 0, 1, 100);
        errors.RequireRange("expiresInSeconds", 60, 60, 120);
        errors.Add("maxViews", "Another reason.");

        var problem = Assert.IsType<ValidationProblem>(errors.ToResult());

        Assert.Equal(["accessToken", "maxViews"], problem.ProblemDetails.Errors.Keys.Order());
        Assert.Equal(["Must be a whole number from 1 to 100.", "Another reason."], problem.ProblemDetails.Errors["maxViews"]);
    }

    private static SecretState State(DateTimeOffset expiresAt, DateTimeOffset limit) =>
        new("id", [], [], Created, expiresAt, limit, MaxViews: 1, Views: 0, FailedAttempts: 0, Extendable: true, PassphraseProtected: false);

    private static SecretState? Extend(TimeSpan add, int addViews, SecretState state, DateTimeOffset now) =>
        new SecretExtension(add, addViews, TimeSpan.FromHours(5), ViewsLimit: 5).ApplyTo(state, now);
}
