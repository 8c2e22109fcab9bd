namespace Cradle.Data;

/// <summary>
/// The day a clock says it is, in UTC: the one "today" of the model, the register's date checks and
/// the tile edition. The core has no clock; its callers ask this one (a fake clock in the fast tests).
/// </summary>
public static class UtcDay
{
    public static DateOnly Today(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
