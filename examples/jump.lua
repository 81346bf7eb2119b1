-- jump.lua: the mission in three lines. On a host (mobilua host, or
-- `make demo`), mb.jump moves the running process to the next host:
-- it freezes here, travels over XMPP, and continues there.
print "I'm here..."
mb.jump(mb.hosts()[2])   -- the process freezes here, travels, and continues there
print "...and now I'm here!"
