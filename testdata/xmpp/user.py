#!/usr/bin/python3
"""A user in a real third-party XMPP client (Debian's python3-slixmpp), driven line by line.

  user.py --jid JID --password PW [--addr HOST:PORT] [--tls 0|1] [--ca FILE]

Reads one JSON command a line on stdin and prints one JSON event a line on stdout, so that a
Go test can play a user with one or several resources (clients) of one account:

  {"op": "login", "res": "phone"}                      -> {"ev": "online", "res": "phone"}
  {"op": "send", "res": "phone", "to": J, "body": B}   (a chat message)
  {"op": "subscribe", "res": "phone", "to": J}         (a roster subscription request)
  {"op": "roster", "res": "phone"}                     -> {"ev": "roster", "items": {jid: subscription}}
  {"op": "command", "res": "phone", "to": J, "node": N, "fields": {var: value} | null}
       -> {"ev": "command", "node": N, "status": S, "fields": {var: value}, "notes": [text]}
          (XEP-0050: execute N; with fields, submit them to the form it returned)
  {"op": "commands", "res": "phone", "to": J}         -> {"ev": "commands", "items": {node: name}}
  {"op": "logout", "res": "phone"}                     -> {"ev": "offline", "res": "phone"}

Events: {"ev": "message", "res", "from", "body"}, {"ev": "presence", "res", "from", "type",
"status"} (subscription requests are approved, as a roster client's user would), {"ev": "error",
"what"}. End of stdin logs every resource out; the process exits then.
"""
import argparse
import asyncio
import json
import logging
import ssl
import sys
import threading

try:
    import slixmpp
except ImportError:
    sys.exit("user.py: needs Debian's python3-slixmpp (apt-get install -y python3-slixmpp) "
             "and /usr/bin/python3")


def emit(**ev):
    print(json.dumps(ev), flush=True)


class Client(slixmpp.ClientXMPP):
    def __init__(self, a, res):
        super().__init__(f"{a.jid}/{res}", a.password)
        self.a, self.res = a, res
        self.register_plugin("xep_0004")
        self.register_plugin("xep_0050")
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("presence", self.on_presence)
        self.add_event_handler("presence_subscribe", self.on_subscribe)
        self.add_event_handler("failed_auth", lambda _: emit(ev="error", what=f"{res}: login failed"))
        self.add_event_handler("disconnected", lambda _: emit(ev="offline", res=res))
        if a.tls == "1" and a.ca:
            self.ssl_context.load_verify_locations(a.ca)
        else:
            self.ssl_context.check_hostname = False
            self.ssl_context.verify_mode = ssl.CERT_NONE  # tests only

    async def get_dns_records(self, domain, port=None):
        return [(self.a.host, self.a.host, self.a.port)]  # --addr as given, no DNS

    async def on_start(self, _):
        await self.get_roster()
        self.send_presence()
        emit(ev="online", res=self.res)

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            emit(ev="message", res=self.res, **{"from": str(msg["from"])}, body=msg["body"])

    def on_presence(self, p):
        emit(ev="presence", res=self.res, **{"from": str(p["from"])}, type=p["type"], status=p["status"])

    def on_subscribe(self, p):
        self.send_presence(pto=p["from"].bare, ptype="subscribed")

    def go(self):
        if self.a.tls == "1":
            self.connect(address=(self.a.host, self.a.port))
        else:
            self.connect(address=(self.a.host, self.a.port), force_starttls=False, disable_starttls=True)

    async def commands(self, c):
        iq = await self["xep_0050"].get_commands(c["to"], timeout=10)
        found = {i[1]: i[2] for i in iq["disco_items"]["items"]}
        emit(ev="commands", items=found)

    async def command(self, c):
        xep = self["xep_0050"]
        iq = await xep.send_command(c["to"], c["node"], timeout=10)
        if c.get("fields") is not None:
            cmd = iq["command"]
            form = cmd["form"]
            form["type"] = "submit"
            for var, value in c["fields"].items():
                form.field[var]["value"] = value
            iq = await xep.send_command(c["to"], c["node"], action="complete", payload=form,
                                        sessionid=cmd["sessionid"], timeout=10)
        cmd = iq["command"]
        fields = {}
        if cmd["form"] is not None:
            for var, f in cmd["form"].field.items():
                fields[var] = f["value"]
        notes = [n[1] for n in cmd["notes"]]
        emit(ev="command", node=c["node"], status=cmd["status"], fields=fields, notes=notes)


async def run(a):
    loop = asyncio.get_running_loop()
    clients = {}
    lines = asyncio.Queue()

    def read():
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=read, daemon=True).start()
    while True:
        line = await lines.get()
        if line is None:
            break
        if not line.strip():
            continue
        c = json.loads(line)
        op, res = c["op"], c.get("res", "main")
        try:
            if op == "login":
                clients[res] = Client(a, res)
                clients[res].go()
            elif op == "logout":
                clients.pop(res).disconnect()
            elif op == "send":
                clients[res].send_message(mto=c["to"], mbody=c["body"], mtype="chat")
            elif op == "subscribe":
                clients[res].send_presence(pto=c["to"], ptype="subscribe")
            elif op == "roster":
                await clients[res].get_roster()
                items = {str(j): clients[res].client_roster[j]["subscription"] for j in clients[res].client_roster}
                emit(ev="roster", res=res, items=items)
            elif op == "commands":
                loop.create_task(guard(clients[res].commands(c)))
            elif op == "command":
                loop.create_task(guard(clients[res].command(c)))
        except Exception as e:  # the test sees it and fails
            emit(ev="error", what=f"{op}: {e!r}")
    for x in clients.values():
        x.disconnect()
    await asyncio.sleep(0.2)


async def guard(coro):
    try:
        await coro
    except Exception as e:
        emit(ev="error", what=repr(e))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jid", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--addr", default="127.0.0.1:15222")
    p.add_argument("--tls", default="1", choices=["0", "1"])
    p.add_argument("--ca", default="")
    a = p.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    host, port = a.addr.rsplit(":", 1)
    a.host, a.port = host.strip("[]"), int(port)
    asyncio.run(run(a))


if __name__ == "__main__":
    main()
