greeting = "from LUA_INIT's file"
