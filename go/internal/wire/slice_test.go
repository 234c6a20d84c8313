package wire

import "testing"

func TestMakeSliceReservesAtMost64KiB(t *testing.T) {
	tests := []struct {
		name  string
		cap   int
		count int
	}{
		{"small counts as asked", cap(MakeSlice[int64](10)), 10},
		{"zero", cap(MakeSlice[int64](0)), 0},
		{"large elements capped", cap(MakeSlice[[176]byte](1 << 20)), (64 << 10) / 176},
		{"bytes capped at 64 KiB", cap(MakeSlice[byte](1 << 20)), 64 << 10},
		{"zero-size elements as asked", cap(MakeSlice[struct{}](1 << 20)), 1 << 20},
	}
	for _, tt := range tests {
		if tt.cap != tt.count {
			t.Errorf("%s: capacity %d, want %d", tt.name, tt.cap, tt.count)
		}
	}
	if s := MakeSlice[int](0); s == nil {
		t.Error("an empty array decodes as a non-nil slice (nil is null)")
	}
}
