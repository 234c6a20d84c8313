package wire

import "unsafe"

// maxPrealloc is the most memory a decoder reserves for an array before
// reading its elements. A count is only known to fit the bytes remaining
// (an element takes at least one byte on the wire), and an element in
// memory can be a hundred times that, so a larger array grows as its
// elements are read and what it holds is paid for by the input.
const maxPrealloc = 64 << 10

// MakeSlice returns an empty slice with room for count elements, or for
// as many as fit in 64 KiB when they take more.
func MakeSlice[T any](count int) []T {
	var zero T
	if size := int(unsafe.Sizeof(zero)); size > 0 && count > maxPrealloc/size {
		count = maxPrealloc / size
	}
	return make([]T, 0, count)
}
