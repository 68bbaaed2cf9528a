using System.Reflection;
using System.Runtime.CompilerServices;

namespace PerfKit.Maps.Internal;

/// <summary>
/// Whether <typeparamref name="T"/>'s equality is its bytes, which is what the maps hash and compare (as the kernel
/// does). Not so for <see cref="float"/>, <see cref="double"/>, <see cref="Half"/> and <see cref="decimal"/>
/// (0.0 equals −0.0, NaN is not equal to itself, 1.0m equals 1.00m), nor for structs with padding bytes (their
/// contents are whatever was there) or with fields that overlap. Decided once per type, by reflection.
/// </summary>
internal static class BytewiseKey<T>
    where T : unmanaged
{
    /// <summary>Why <typeparamref name="T"/> cannot be a key, or null if it can.</summary>
    public static readonly string? Problem = FindProblem(typeof(T));

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

    private static string? FindProblem(Type type)
    {
        if (type == typeof(float) || type == typeof(double) || type == typeof(Half) || type == typeof(System.Runtime.InteropServices.NFloat))
        {
            return $"{type.Name}'s equality is not its bytes (0.0 equals -0.0, NaN is not equal to itself)";
        }

        if (type == typeof(decimal))
        {
            return "decimal's equality is not its bytes (1.0m equals 1.00m)";
        }

        if (type.IsPrimitive || type.IsEnum || type.IsPointer || type.IsFunctionPointer)
        {
            return null;
        }

        if (type.GetCustomAttribute<InlineArrayAttribute>() is { } inline)
        {
            // [InlineArray(N)]: N copies of its one field, back to back.
            FieldInfo element = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Single();
            return FindProblem(element.FieldType) is { } problem ? $"the elements of {type.Name}: {problem}"
                : SizeOf(element.FieldType) * inline.Length == SizeOf(type) ? null
                : $"{type.Name} has padding bytes";
        }

        long covered = 0;
        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.GetCustomAttribute<FixedBufferAttribute>() is { } buffer)
            {
                // A fixed-size buffer: a compiler-made struct of Length elements.
                if (FindProblem(buffer.ElementType) is { } bufferProblem)
                {
                    return $"field {type.Name}.{field.Name}: {bufferProblem}";
                }

                covered += SizeOf(buffer.ElementType) * buffer.Length;
                continue;
            }

            if (FindProblem(field.FieldType) is { } fieldProblem)
            {
                return $"field {type.Name}.{field.Name}: {fieldProblem}";
            }

            covered += SizeOf(field.FieldType);
        }

        int size = SizeOf(type);
        return covered < size ? $"{type.Name} has {size - covered} padding byte(s) among its {size}, which two equal keys need not share"
            : covered > size ? $"{type.Name} has fields that overlap, so two keys equal by their fields can differ in bytes"
            : null;
    }

    private static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
}
