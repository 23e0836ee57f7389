package winlog

import (
	"context"
	"fmt"
	"io"
)

// evtxMagic opens an .evtx file's header.
const evtxMagic = "ElfFile\x00"

func (l *Log) readEVTX(ctx context.Context, r io.ReadSeeker, name string) error {
	return fmt.Errorf("%s: .evtx not read yet", name)
}
