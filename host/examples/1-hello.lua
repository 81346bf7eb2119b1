-- 1: hello — who and where a process is
print("hello from " .. mb.pid() .. ", owned by " .. mb.owner() .. ", on " .. mb.host())
