package console

import (
	"sync/atomic"

	"github.com/mobilua/mobilua/xmpphost"
)

type atomicTransport = atomic.Pointer[xmpphost.Transport]
