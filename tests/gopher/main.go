// Command gopher-harness runs Argo CD health scripts in gopher-lua the way Argo CD's health VM
// does (util/lua/lua.go), so generated scripts can be checked in the interpreter that ships them.
//
// Input: JSON Lines {"script": "...", "object": {...}, "openLibs": false} on stdin.
// Output: one JSON line {"status": "...", "message": "...", "error": "..."} per input, in order;
// "syntax": true when the script does not parse (an older gopher-lua cannot parse `goto`).
// Functions that run commands or touch files are replaced by stubs returning nil, and print by
// a no-op (it would write into this protocol), so open libraries never touch the machine.
// With -bench N, each input is evaluated N times and {"ns": total} is added to its line.
// With -cached, each script is compiled once and every evaluation reuses the compiled
// prototype in a fresh state, as Argo CD 3.6's script cache does.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

type input struct {
	Script   string      `json:"script"`
	Object   interface{} `json:"object"`
	OpenLibs bool        `json:"openLibs"`
}

type output struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	Error   string `json:"error"`
	Syntax  bool   `json:"syntax,omitempty"`
	Ns      int64  `json:"ns,omitempty"`
}

type healthStatus struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
}

var validStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true,
	"Suspended": true, "Missing": true, "Unknown": true,
}

// decodeValue converts a JSON value as Argo CD converts an unstructured object. Debian's
// gopher-lua keeps nil in LTable.Append where gopher-lua 1.1 drops it, so nulls in arrays are
// skipped here.
func decodeValue(L *lua.LState, value interface{}) lua.LValue {
	switch v := value.(type) {
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case bool:
		return lua.LBool(v)
	case []interface{}:
		arr := L.CreateTable(len(v), 0)
		for _, item := range v {
			if item == nil {
				continue
			}
			arr.Append(decodeValue(L, item))
		}
		return arr
	case map[string]interface{}:
		tbl := L.CreateTable(0, len(v))
		for key, item := range v {
			tbl.RawSetH(lua.LString(key), decodeValue(L, item))
		}
		return tbl
	}
	return lua.LNil
}

// encode mirrors gopher-json's encoder, which Argo CD uses on the returned table.
func encode(v lua.LValue, visited map[*lua.LTable]bool) (interface{}, error) {
	switch c := v.(type) {
	case lua.LBool:
		return bool(c), nil
	case lua.LNumber:
		f := float64(c)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("json: unsupported value: %v", f)
		}
		return f, nil
	case *lua.LNilType:
		return nil, nil
	case lua.LString:
		return string(c), nil
	case *lua.LTable:
		if visited[c] {
			return nil, errors.New("cannot encode recursively nested tables to JSON")
		}
		// gopher-json never forgets a table: one met twice anywhere is an error.
		visited[c] = true
		key, value := c.Next(lua.LNil)
		switch key.Type() {
		case lua.LTNil:
			return []interface{}{}, nil
		case lua.LTNumber:
			arr := []interface{}{}
			expected := lua.LNumber(1)
			for key != lua.LNil {
				if key.Type() != lua.LTNumber {
					return nil, errors.New("cannot encode mixed or invalid key types")
				}
				if expected != key {
					return nil, errors.New("cannot encode sparse array")
				}
				e, err := encode(value, visited)
				if err != nil {
					return nil, err
				}
				arr = append(arr, e)
				expected++
				key, value = c.Next(key)
			}
			return arr, nil
		case lua.LTString:
			obj := map[string]interface{}{}
			for key != lua.LNil {
				if key.Type() != lua.LTString {
					return nil, errors.New("cannot encode mixed or invalid key types")
				}
				e, err := encode(value, visited)
				if err != nil {
					return nil, err
				}
				obj[key.String()] = e
				key, value = c.Next(key)
			}
			return obj, nil
		default:
			return nil, errors.New("cannot encode mixed or invalid key types")
		}
	}
	return nil, fmt.Errorf("cannot encode %s to JSON", v.Type().String())
}

// dangerous lists the functions stubbed out in every state: gopher-lua's os and io run real
// commands and touch real files, and print writes into this program's output.
var dangerous = map[string][]string{
	"os":      {"execute", "remove", "rename", "exit", "tmpname", "getenv", "setlocale"},
	"io":      {"open", "popen", "lines", "read", "write", "close", "input", "output", "tmpfile", "stdin", "stdout", "stderr"},
	"":        {"dofile", "loadfile", "print"},
	"package": {"loadlib"},
}

func stub(L *lua.LState) int {
	L.Push(lua.LNil)
	return 1
}

func sandbox(L *lua.LState) {
	for lib, names := range dangerous {
		var tbl *lua.LTable
		if lib == "" {
			tbl = L.G.Global
		} else if t, ok := L.GetGlobal(lib).(*lua.LTable); ok {
			tbl = t
		} else {
			continue
		}
		for _, name := range names {
			if tbl.RawGetString(name) != lua.LNil {
				tbl.RawSetString(name, L.NewFunction(stub))
			}
		}
	}
	// No file may be loaded as a module: only preloaded and already loaded modules resolve.
	if pkg, ok := L.GetGlobal("package").(*lua.LTable); ok {
		pkg.RawSetString("path", lua.LString(""))
		pkg.RawSetString("cpath", lua.LString(""))
	}
}

func newState(open bool) (*lua.LState, error) {
	L := lua.NewState(lua.Options{SkipOpenLibs: !open})
	if open {
		sandbox(L)
		return L, nil
	}
	for _, pair := range []struct {
		n string
		f lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.OsLibName, lua.OpenOs},
	} {
		if err := L.CallByParam(lua.P{Fn: L.NewFunction(pair.f), NRet: 0, Protect: true}, lua.LString(pair.n)); err != nil {
			return nil, err
		}
	}
	// Argo CD exposes only os.time and os.date, and only through require("os").
	osTable, _ := L.GetGlobal("os").(*lua.LTable)
	safe := L.NewTable()
	if osTable != nil {
		safe.RawSetString("time", osTable.RawGetString("time"))
		safe.RawSetString("date", osTable.RawGetString("date"))
		// Argo CD's OpenSafeOs registers under the table library's name: table.time, table.date.
		if tbl, ok := L.GetGlobal("table").(*lua.LTable); ok {
			tbl.RawSetString("time", osTable.RawGetString("time"))
			tbl.RawSetString("date", osTable.RawGetString("date"))
		}
	}
	L.SetGlobal("os", lua.LNil)
	if pkg, ok := L.GetGlobal("package").(*lua.LTable); ok {
		if loaded, ok := pkg.RawGetString("loaded").(*lua.LTable); ok {
			loaded.RawSetString("os", lua.LNil)
		}
	}
	L.PreloadModule("os", func(L *lua.LState) int {
		L.Push(safe)
		return 1
	})
	sandbox(L)
	return L, nil
}

func compile(script string) (*lua.FunctionProto, error) {
	chunk, err := parse.Parse(strings.NewReader(script), "<string>")
	if err != nil {
		return nil, err
	}
	return lua.Compile(chunk, "<string>")
}

func evaluate(in input, proto *lua.FunctionProto) output {
	L, err := newState(in.OpenLibs)
	if err != nil {
		return output{Status: "Unknown", Message: err.Error(), Error: err.Error()}
	}
	defer L.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	L.SetContext(ctx)
	L.SetGlobal("obj", decodeValue(L, in.Object))
	if proto != nil {
		fn := &lua.LFunction{IsG: false, Env: L.Env, Proto: proto, Upvalues: []*lua.Upvalue{}}
		L.Push(fn)
		if err := L.PCall(0, lua.MultRet, nil); err != nil {
			return output{Status: "Unknown", Message: err.Error(), Error: err.Error()}
		}
	} else {
		fn, err := L.LoadString(in.Script)
		if err != nil {
			return output{Status: "Unknown", Message: err.Error(), Error: err.Error(), Syntax: true}
		}
		L.Push(fn)
		if err := L.PCall(0, lua.MultRet, nil); err != nil {
			return output{Status: "Unknown", Message: err.Error(), Error: err.Error()}
		}
	}
	ret := L.Get(-1)
	switch ret.Type() {
	case lua.LTNil:
		return output{}
	case lua.LTTable:
		enc, err := encode(ret, map[*lua.LTable]bool{})
		if err != nil {
			return output{Status: "Unknown", Message: err.Error(), Error: err.Error()}
		}
		raw, err := json.Marshal(enc)
		if err != nil {
			return output{Status: "Unknown", Message: err.Error(), Error: err.Error()}
		}
		hs := &healthStatus{}
		if err := json.Unmarshal(raw, hs); err != nil {
			typeError := &json.UnmarshalTypeError{Value: "array", Type: reflect.TypeOf(hs)}
			if errors.As(err, &typeError) {
				return output{}
			}
			return output{Status: "Unknown", Message: err.Error(), Error: err.Error()}
		}
		if !validStatuses[hs.Status] {
			return output{Status: "Unknown", Message: "Lua returned an invalid health status"}
		}
		return output{Status: hs.Status, Message: hs.Message}
	}
	msg := fmt.Sprintf("expect table output, but found %s", ret.Type().String())
	return output{Status: "Unknown", Message: msg, Error: msg}
}

func main() {
	bench := flag.Int("bench", 0, "evaluate each input this many times and report the total ns")
	cached := flag.Bool("cached", false, "compile each script once (Argo CD 3.6)")
	flag.Parse()
	protos := map[string]*lua.FunctionProto{}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var item input
		if err := json.Unmarshal(in.Bytes(), &item); err != nil {
			enc.Encode(output{Status: "Unknown", Error: "harness: " + err.Error()})
			continue
		}
		var proto *lua.FunctionProto
		if *cached {
			if p, ok := protos[item.Script]; ok {
				proto = p
			} else if p, err := compile(item.Script); err == nil {
				protos[item.Script] = p
				proto = p
			}
		}
		res := evaluate(item, proto)
		if *bench > 0 {
			start := time.Now()
			for i := 0; i < *bench; i++ {
				evaluate(item, proto)
			}
			res.Ns = time.Since(start).Nanoseconds()
		}
		enc.Encode(res)
		// One answer at a time: the caller waits for each to stop a job that outlasts its time.
		out.Flush()
	}
}
