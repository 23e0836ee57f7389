package winlog

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source/internal/pscsv"
)

// xmlEvent is an <Event> of the schema
// http://schemas.microsoft.com/win/2004/08/events/event, as wevtutil qe
// /f:xml (or /f:RenderedXml) and EventLogRecord.ToXml() write it.
type xmlEvent struct {
	System struct {
		Provider struct {
			Name            string `xml:"Name,attr"`
			EventSourceName string `xml:"EventSourceName,attr"`
		} `xml:"Provider"`
		EventID     string `xml:"EventID"`
		TimeCreated struct {
			SystemTime string `xml:"SystemTime,attr"`
		} `xml:"TimeCreated"`
		EventRecordID string `xml:"EventRecordID"`
		Computer      string `xml:"Computer"`
	} `xml:"System"`
	EventData struct {
		Data []struct {
			Name  string `xml:"Name,attr"`
			Value string `xml:",chardata"`
		} `xml:"Data"`
	} `xml:"EventData"`
	UserData struct {
		Inner []byte `xml:",innerxml"`
	} `xml:"UserData"`
	RenderingInfo struct {
		Message string `xml:"Message"`
	} `xml:"RenderingInfo"`
}

// readXML reads a stream of Event XML: the <Event> elements one after
// the other with no root element (wevtutil qe System /f:xml), or inside
// an <Events> root (/e:Events). A stream that stops being XML stops the
// file, naming its line: what follows cannot be told apart.
func (l *Log) readXML(ctx context.Context, r io.Reader, name string) error {
	d := xml.NewDecoder(pscsv.Text(r))
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, _ := d.InputPos()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: not Event XML: %w", name, line, err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "Event" {
			continue // the <Events> root, a declaration, white space
		}
		line, _ = d.InputPos()
		var x xmlEvent
		if err := d.DecodeElement(&x, &start); err != nil {
			return fmt.Errorf("%s:%d: not Event XML: %w", name, line, err)
		}
		where := fmt.Sprintf("%s:%d", name, line)
		e, err := x.event()
		if err != nil {
			l.problem(where, err.Error())
			continue
		}
		e.Where = where
		l.add(e)
	}
}

// parseEventXML reads one <Event> (a CSV row's Xml column).
func parseEventXML(raw []byte) (Event, error) {
	var x xmlEvent
	if err := xml.Unmarshal(raw, &x); err != nil {
		return Event{}, fmt.Errorf("not Event XML: %w", err)
	}
	return x.event()
}

// event is the Event of an <Event>: its system part and its data.
func (x xmlEvent) event() (Event, error) {
	s := x.System
	e := Event{Machine: strings.TrimSpace(s.Computer), Provider: strings.TrimSpace(s.Provider.Name), Message: x.RenderingInfo.Message}
	if e.Provider == "" {
		e.Provider = strings.TrimSpace(s.Provider.EventSourceName)
	}
	id, err := strconv.ParseUint(strings.TrimSpace(s.EventID), 10, 32)
	if err != nil {
		return e, fmt.Errorf("EventID: %q: want the event's number", clip(s.EventID))
	}
	e.ID = int(id & 0xFFFF)
	if v := strings.TrimSpace(s.EventRecordID); v != "" {
		if e.Record, err = strconv.ParseUint(v, 10, 64); err != nil {
			return e, fmt.Errorf("EventRecordID: %q: want the record's number", clip(v))
		}
	}
	if e.Time, err = time.Parse(time.RFC3339Nano, strings.TrimSpace(s.TimeCreated.SystemTime)); err != nil {
		return e, fmt.Errorf("TimeCreated SystemTime: %q: want an ISO 8601 UTC time such as 2025-03-14T19:02:11.1234567Z", clip(s.TimeCreated.SystemTime))
	}
	for _, d := range x.EventData.Data {
		e.Data = append(e.Data, Field{Name: d.Name, Value: d.Value})
	}
	e.Data = append(e.Data, leaves(x.UserData.Inner)...)
	return e, nil
}

// leaves are the elements of a UserData that hold text, by name: its
// structure is the provider's own.
func leaves(inner []byte) []Field {
	if len(bytes.TrimSpace(inner)) == 0 {
		return nil
	}
	var out []Field
	d := xml.NewDecoder(bytes.NewReader(inner))
	var name string
	var text strings.Builder
	leaf := false
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name, leaf = t.Name.Local, true
			text.Reset()
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if leaf {
				out = append(out, Field{Name: name, Value: text.String()})
			}
			leaf = false
		}
	}
}
