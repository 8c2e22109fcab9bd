using Cradle.Core.Register;

namespace Cradle.Tests;

/// <summary>The import's three-way merge, row by row and field by field (in process, no database).</summary>
[Trait("Tier", "Fast")]
public sealed class RegisterMergeTests
{
    static readonly string[] Columns = ["id", "status", "commissioner"];

    static Dictionary<string, string?[]> Rows(params string?[][] rows) => rows.ToDictionary(r => r[0]!, r => r);

    [Fact]
    public void A_row_changed_only_in_the_register_is_kept_and_one_changed_only_in_the_file_is_applied()
    {
        var b = Rows(["a", "active", null], ["b", "active", null]);
        var file = Rows(["a", "active", null], ["b", "closed", null]);
        var register = Rows(["a", "active", "Oldham Council"], ["b", "active", null]);
        var plan = RegisterMerge.Plan("team", Columns, b, file, register);
        Assert.Empty(plan.Conflicts);
        Assert.Equal(["b"], plan.Apply.Keys);
        Assert.Equal("closed", plan.Apply["b"]![1]);
        Assert.Equal(1, plan.KeptFromRegister);
    }

    [Fact]
    public void Different_fields_changed_on_each_side_merge_and_the_same_field_changed_differently_conflicts()
    {
        var b = Rows(["a", "active", null]);
        var merged = RegisterMerge.Plan("team", Columns, b, Rows(["a", "closed", null]), Rows(["a", "active", "Council"]));
        Assert.Empty(merged.Conflicts);
        Assert.Equal(["a", "closed", "Council"], merged.Apply["a"]!);

        var conflict = RegisterMerge.Plan("team", Columns, b, Rows(["a", "active", "File"]), Rows(["a", "active", "Register"]));
        var c = Assert.Single(conflict.Conflicts);
        Assert.Equal("a", c.Key);
        Assert.Equal(["commissioner"], c.Fields);
        Assert.Empty(conflict.Apply);
        Assert.Equal("File", RegisterMerge.Plan("team", Columns, b, Rows(["a", "active", "File"]), Rows(["a", "active", "Register"]), MergeSide.File).Apply["a"]![2]);
        Assert.Empty(RegisterMerge.Plan("team", Columns, b, Rows(["a", "active", "File"]), Rows(["a", "active", "Register"]), MergeSide.Register).Apply);
    }

    [Fact]
    public void Rows_added_and_removed_follow_the_side_that_changed_them()
    {
        var b = Rows(["a", "active", null], ["gone", "active", null]);
        // The file adds "new" and removes "gone"; the register added "edit" through the API.
        var plan = RegisterMerge.Plan("team", Columns, b, Rows(["a", "active", null], ["new", "active", null]),
            Rows(["a", "active", null], ["gone", "active", null], ["edit", "active", null]));
        Assert.Empty(plan.Conflicts);
        Assert.Equal(["gone", "new"], plan.Apply.Keys.Order());
        Assert.Null(plan.Apply["gone"]);
        Assert.Equal(1, plan.KeptFromRegister);
        // Removed from the file but changed in the register: a conflict of the whole row.
        var c = Assert.Single(RegisterMerge.Plan("team", Columns, b, Rows(["a", "active", null]), Rows(["a", "active", null], ["gone", "closed", null])).Conflicts);
        Assert.Equal("gone", c.Key);
        Assert.Contains("removed from the file but changed in the register", c.Detail);
    }

    [Fact]
    public void A_merge_conflict_message_names_the_file_the_team_and_the_fields()
    {
        var e = new RegisterMergeException("data/teams/teams.csv", [new MergeConflict("team", "oldham-eas", ["commissioner"], "commissioner: file 'A', register 'B', last import ''")]);
        Assert.Contains("data/teams/teams.csv", e.Message);
        Assert.Contains("team 'oldham-eas' (commissioner: file 'A', register 'B'", e.Message);
        Assert.Contains("--prefer file or --prefer register", e.Message);
    }

    static Team Row(string status, PartialDate? source, PartialDate? confirmed) => new("t", "T", null, status, null, status == "closed" ? new PartialDate(2024) : null,
        null, null, null, null, null, null, ["E08000024"], null, null, null, "https://example.org/t/p", source, confirmed, new DateOnly(2026, 12, 1), "meets", null);

    [Fact]
    public void A_row_needs_re_confirming_when_nothing_has_confirmed_it_for_longer_than_the_threshold()
    {
        var today = new DateOnly(2026, 12, 6);
        Assert.True(Row("active", new PartialDate(2021, 6), null).NeedsReconfirming(today, 24));
        // The newest confirmation counts, not the row's source date.
        Assert.False(Row("active", new PartialDate(2021, 6), new PartialDate(2025, 12, 15)).NeedsReconfirming(today, 24));
        // A month is read as its last day: December 2024 is within 24 months of 6 December 2026.
        Assert.False(Row("active", new PartialDate(2024, 12), null).NeedsReconfirming(today, 24));
        Assert.True(Row("active", new PartialDate(2024, 11), null).NeedsReconfirming(today, 24));
        Assert.False(Row("closed", new PartialDate(2019), null).NeedsReconfirming(today, 24));
        Assert.True(Row("unknown", new PartialDate(2019), null).NeedsReconfirming(today, 24));
    }
}
