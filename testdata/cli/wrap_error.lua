local co = coroutine.wrap(function() error("in co") end)
co()
