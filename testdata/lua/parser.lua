#!/usr/bin/env lua5.1
-- the gopher-lua parser traps that the front end fixes
local function f(n) if n == 0 then return "base" end return f(n - 1) end
print(f(3))                                --> =base
local g = function() return g end
print(g())                                 --> =nil
local obj = {v = 7}
obj.inner = {v = 8}
function obj.inner:get() return self.v end
print(obj.inner:get())                     --> =8
print(0010, 0x0010, 1e1, 010.5)            --> =10	16	10	10.5
local t = {}
t.goto = "field named goto"
print(t.goto, t["goto"])                   --> =field named goto	field named goto
local goto = 5
print(goto + 1)                            --> =6
print(1 +2)                                --> =3
print("shebang line skipped")              --> =shebang line skipped
local deep = ((((((((((1))))))))))
print(deep)                                --> =1
local s = "a\
b"
print(s)
--> =a
--> =b
print(#"\0\1\2", "\97\98c")                --> =3	abc
print(2^-2, - - 2, not not nil)            --> =0.25	2	false
print(("%d"):format(3), #{n = 1}, -2 ^ 2)  --> =3	0	-4
print(1 .. 2 == "12", 2 < 3 == true)       --> =true	true
local a = {[1] = "x", [2] = "y", "z"}
print(a[1], a[2])                          --> =z	y
print(({1, 2, 3})[2], (("s")))             --> =2	s
print(type(nil) == "nil" and 1 or 2)       --> =1
do local _ENV = 1 end
print(math.max(1, 5, 3), math.min(4, 2))   --> =5	2
---
local x = ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
### "chunk has too many syntax levels"
---
::label::
### "unexpected symbol"
---
-- syntax errors are reported in lua5.1's words
x y
### "parser.lua:44: '=' expected near 'y'"
---
-- lua5.1's limits are counted after the name is read: the line is the next token's
local v0 local v1 local v2 local v3 local v4 local v5 local v6 local v7 local v8 local v9 local v10 local v11 local v12 local v13 local v14 local v15 local v16 local v17 local v18 local v19 local v20 local v21 local v22 local v23 local v24 local v25 local v26 local v27 local v28 local v29 local v30 local v31 local v32 local v33 local v34 local v35 local v36 local v37 local v38 local v39 local v40 local v41 local v42 local v43 local v44 local v45 local v46 local v47 local v48 local v49 local v50 local v51 local v52 local v53 local v54 local v55 local v56 local v57 local v58 local v59 local v60 local v61 local v62 local v63 local v64 local v65 local v66 local v67 local v68 local v69 local v70 local v71 local v72 local v73 local v74 local v75 local v76 local v77 local v78 local v79 local v80 local v81 local v82 local v83 local v84 local v85 local v86 local v87 local v88 local v89 local v90 local v91 local v92 local v93 local v94 local v95 local v96 local v97 local v98 local v99 local v100 local v101 local v102 local v103 local v104 local v105 local v106 local v107 local v108 local v109 local v110 local v111 local v112 local v113 local v114 local v115 local v116 local v117 local v118 local v119 local v120 local v121 local v122 local v123 local v124 local v125 local v126 local v127 local v128 local v129 local v130 local v131 local v132 local v133 local v134 local v135 local v136 local v137 local v138 local v139 local v140 local v141 local v142 local v143 local v144 local v145 local v146 local v147 local v148 local v149 local v150 local v151 local v152 local v153 local v154 local v155 local v156 local v157 local v158 local v159 local v160 local v161 local v162 local v163 local v164 local v165 local v166 local v167 local v168 local v169 local v170 local v171 local v172 local v173 local v174 local v175 local v176 local v177 local v178 local v179 local v180 local v181 local v182 local v183 local v184 local v185 local v186 local v187 local v188 local v189 local v190 local v191 local v192 local v193 local v194 local v195 local v196 local v197 local v198 local v199 local v200
x = 1
### "parser.lua:49: main function has more than 200 local variables"
---
local function g(p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31, p32, p33, p34, p35, p36, p37, p38, p39, p40, p41, p42, p43, p44, p45, p46, p47, p48, p49, p50, p51, p52, p53, p54, p55, p56, p57, p58, p59, p60, p61, p62, p63, p64, p65, p66, p67, p68, p69, p70, p71, p72, p73, p74, p75, p76, p77, p78, p79, p80, p81, p82, p83, p84, p85, p86, p87, p88, p89, p90, p91, p92, p93, p94, p95, p96, p97, p98, p99, p100, p101, p102, p103, p104, p105, p106, p107, p108, p109, p110, p111, p112, p113, p114, p115, p116, p117, p118, p119, p120, p121, p122, p123, p124, p125, p126, p127, p128, p129, p130, p131, p132, p133, p134, p135, p136, p137, p138, p139, p140, p141, p142, p143, p144, p145, p146, p147, p148, p149, p150, p151, p152, p153, p154, p155, p156, p157, p158, p159, p160, p161, p162, p163, p164, p165, p166, p167, p168, p169, p170, p171, p172, p173, p174, p175, p176, p177, p178, p179, p180, p181, p182, p183, p184, p185, p186, p187, p188, p189, p190, p191, p192, p193, p194, p195, p196, p197, p198, p199,
p200) end
### "parser.lua:53: function at line 52 has more than 200 local variables"
---
local v0 local v1 local v2 local v3 local v4 local v5 local v6 local v7 local v8 local v9 local v10 local v11 local v12 local v13 local v14 local v15 local v16 local v17 local v18 local v19 local v20 local v21 local v22 local v23 local v24 local v25 local v26 local v27 local v28 local v29 local v30 local v31 local v32 local v33 local v34 local v35 local v36 local v37 local v38 local v39 local v40 local v41 local v42 local v43 local v44 local v45 local v46 local v47 local v48 local v49 local v50 local v51 local v52 local v53 local v54 local v55 local v56 local v57 local v58 local v59 local v60 local v61 local v62 local v63 local v64 local v65 local v66 local v67 local v68 local v69 local v70 local v71 local v72 local v73 local v74 local v75 local v76 local v77 local v78 local v79 local v80 local v81 local v82 local v83 local v84 local v85 local v86 local v87 local v88 local v89 local v90 local v91 local v92 local v93 local v94 local v95 local v96 local v97 local v98 local v99 local v100 local v101 local v102 local v103 local v104 local v105 local v106 local v107 local v108 local v109 local v110 local v111 local v112 local v113 local v114 local v115 local v116 local v117 local v118 local v119 local v120 local v121 local v122 local v123 local v124 local v125 local v126 local v127 local v128 local v129 local v130 local v131 local v132 local v133 local v134 local v135 local v136 local v137 local v138 local v139 local v140 local v141 local v142 local v143 local v144 local v145 local v146 local v147 local v148 local v149 local v150 local v151 local v152 local v153 local v154 local v155 local v156 local v157 local v158 local v159 local v160 local v161 local v162 local v163 local v164 local v165 local v166 local v167 local v168 local v169 local v170 local v171 local v172 local v173 local v174 local v175 local v176 local v177 local v178 local v179 local v180 local v181 local v182 local v183 local v184 local v185 local v186 local v187 local v188 local v189 local v190 local v191 local v192 local v193 local v194 local v195
for k, w1
, w2 in pairs({}) do end
### "parser.lua:58: main function has more than 200 local variables"
---
local u0, u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11, u12, u13, u14, u15, u16, u17, u18, u19, u20, u21, u22, u23, u24, u25, u26, u27, u28, u29, u30, u31, u32, u33, u34, u35, u36, u37, u38, u39, u40, u41, u42, u43, u44, u45, u46, u47, u48, u49, u50, u51, u52, u53, u54, u55, u56, u57, u58, u59, u60 = 1
local function f() return u0 + u1 + u2 + u3 + u4 + u5 + u6 + u7 + u8 + u9 + u10 + u11 + u12 + u13 + u14 + u15 + u16 + u17 + u18 + u19 + u20 + u21 + u22 + u23 + u24 + u25 + u26 + u27 + u28 + u29 + u30 + u31 + u32 + u33 + u34 + u35 + u36 + u37 + u38 + u39 + u40 + u41 + u42 + u43 + u44 + u45 + u46 + u47 + u48 + u49 + u50 + u51 + u52 + u53 + u54 + u55 + u56 + u57 + u58 + u59 + u60 end
### "parser.lua:62: function at line 62 has more than 60 upvalues"
---
local function f() return ... end
### "parser.lua:65: cannot use '...' outside a vararg function near '...'"
---
if x then break end
### "parser.lua:68: no loop to break near 'end'"
