module github.com/mobilua/mobilua

go 1.26.8

require (
	github.com/dave/jennifer v1.7.1
	github.com/fxamacker/cbor/v2 v2.10.0
	github.com/yuin/gopher-lua v1.1.2
	go.etcd.io/bbolt v1.4.3
)

require (
	github.com/x448/float16 v0.8.4 // indirect
	golang.org/x/sys v0.29.0 // indirect
)
