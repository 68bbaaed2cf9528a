using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PerfKit.Maps.Internal;

/// <summary>
/// Whether <typeparamref name="T"/>'s equality is its bytes, which is what the maps hash and compare (as the kernel
/// does). Not so for <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> and <see cref="NFloat"/> (0.0
/// equals −0.0, NaN is not equal to itself), <see cref="decimal"/> (1.0m equals 1.00m), <see cref="DateTime"/> (equality
/// ignores its Kind bits), SIMD vectors of those, and structs with padding bytes (whose contents are whatever was
/// there; a copy need not keep them) or with fields that overlap. Decided once per type, by reflection. A struct
/// whose own <c>Equals</c> is not field by field is still compared by its bytes: that cannot be seen from its layout.
/// </summary>
internal static class BytewiseKey<T>
    where T : unmanaged
{
    /// <summary>Why <typeparamref name="T"/> cannot be a key, or null if it can.</summary>
    public static readonly string? Problem = FindProblem(typeof(T), layoutOnly: false);

    /// <summary>Why two copies of one <typeparamref name="T"/> may differ in bytes (padding, overlap), or null: a value compared by bytes needs none.</summary>
    public static readonly string? LayoutProblem = FindProblem(typeof(T), layoutOnly: true);

    /// <summary>Throws unless <typeparamref name="T"/> can be a key of <paramref name="map"/>.</summary>
    /// <exception cref="NotSupportedException">Its equality is not its bytes; the message says why and what to use instead.</exception>
    public static void Validate(string map)
    {
        if (Problem is not null)
        {
            throw new NotSupportedException(
                $"{map} cannot use {typeof(T).Name} as its key: keys are hashed and compared by their bytes (as the kernel's maps do), and {Problem}. " +
                "Use a key whose equality is its bytes: integers, enums, or structs of them without padding (for a floating-point key, its normalised bits; for a padded struct, explicit fields that fill it).");
        }
    }

    /// <summary>Throws unless values of <typeparamref name="T"/> can be compared by their bytes, as <paramref name="member"/> does.</summary>
    /// <exception cref="NotSupportedException">Two copies of one value may differ in bytes.</exception>
    public static void ValidateComparedValue(string member)
    {
        if (LayoutProblem is not null)
        {
            throw new NotSupportedException($"{member} compares values by their bytes, and {LayoutProblem}; give the value type explicit fields that fill it.");
        }
    }

    private static string? FindProblem(Type type, bool layoutOnly)
    {
        if (!layoutOnly)
        {
            if (type == typeof(float) || type == typeof(double) || type == typeof(Half) || type == typeof(NFloat))
            {
                return $"{type.Name}'s equality is not its bytes (0.0 equals -0.0, NaN is not equal to itself)";
            }

            if (type == typeof(decimal))
            {
                return "decimal's equality is not its bytes (1.0m equals 1.00m)";
            }

            if (type == typeof(DateTime))
            {
                return "DateTime's equality ignores its Kind, which is in its bytes (use its Ticks)";
            }
        }

        if (type.IsPrimitive || type.IsEnum || type.IsPointer || type.IsFunctionPointer)
        {
            return null;
        }

        if (type.IsGenericType && IsVector(type.GetGenericTypeDefinition()))
        {
            // SIMD vectors: their bytes are their elements (Vector<T>'s size is the hardware's, not its declared field's).
            return FindProblem(type.GetGenericArguments()[0], layoutOnly) is { } element ? $"the elements of {type.Name}: {element}" : null;
        }

        if (type.GetCustomAttribute<InlineArrayAttribute>() is { } inline)
        {
            // [InlineArray(N)]: N copies of its one field, back to back.
            FieldInfo element = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Single();
            return FindProblem(element.FieldType, layoutOnly) is { } problem ? $"the elements of {type.Name}: {problem}"
                : SizeOf(element.FieldType) * inline.Length == SizeOf(type) ? null
                : $"{type.Name} has padding bytes";
        }

        // Which bytes each field covers: with explicit layout from its offset; otherwise fields never overlap, so
        // their sizes add up to the struct's unless there is padding.
        int size = SizeOf(type);
        var covered = new int[size];
        int next = 0;
        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            (Type element, int count) = field.GetCustomAttribute<FixedBufferAttribute>() is { } buffer ? (buffer.ElementType, buffer.Length) : (field.FieldType, 1);
            if (FindProblem(element, layoutOnly) is { } fieldProblem)
            {
                return $"field {type.Name}.{field.Name}: {fieldProblem}";
            }

            int offset = type.IsExplicitLayout ? field.GetCustomAttribute<FieldOffsetAttribute>()?.Value ?? 0 : next;
            int length = SizeOf(element) * count;
            for (int b = offset; b < offset + length && b < size; b++)
            {
                covered[b]++;
            }

            next = offset + length;
        }

        int holes = covered.Count(c => c == 0);
        return covered.Any(c => c > 1) ? $"{type.Name} has fields that overlap, so two values equal by their fields can differ in bytes"
            : holes > 0 ? $"{type.Name} has {holes} padding byte(s) among its {size}, which two equal values need not share"
            : null;
    }

    private static bool IsVector(Type definition) =>
        definition == typeof(Vector64<>) || definition == typeof(Vector128<>) || definition == typeof(Vector256<>)
        || definition == typeof(Vector512<>) || definition == typeof(System.Numerics.Vector<>);

    private static int SizeOf(Type type) => type.IsPointer || type.IsFunctionPointer ? IntPtr.Size : RuntimeHelpers.SizeOf(type.TypeHandle);
}
