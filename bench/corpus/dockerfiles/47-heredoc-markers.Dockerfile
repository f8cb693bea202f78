FROM debian:12-slim
RUN cat <<E0 <<E1 <<E2 <<E3 <<E4 <<E5 <<E6 <<E7 <<E8 <<E9 <<E10 <<E11 <<E12 <<E13 <<E14 <<E15 <<E16 <<E17 <<E18 <<E19 <<E20 <<E21 <<E22 <<E23 <<E24 <<E25 <<E26 <<E27 <<E28 <<E29 <<E30 <<E31 <<E32 <<E33 <<E34 <<E35 <<E36 <<E37 <<E38 <<E39 <<E40 <<E41 <<E42 <<E43 <<E44 <<E45 <<E46 <<E47 <<E48 <<E49 <<E50 <<E51 <<E52 <<E53 <<E54 <<E55 <<E56 <<E57 <<E58 <<E59 <<E60 <<E61 <<E62 <<E63 <<E64 <<E65 <<E66 <<E67 <<E68 <<E69 <<E70 <<E71 <<E72 <<E73 <<E74 <<E75 <<E76 <<E77 <<E78 <<E79 <<E80 <<E81 <<E82 <<E83 <<E84 <<E85 <<E86 <<E87 <<E88 <<E89 <<E90 <<E91 <<E92 <<E93 <<E94 <<E95 <<E96 <<E97 <<E98 <<E99 <<E100 <<E101 <<E102 <<E103 <<E104 <<E105 <<E106 <<E107 <<E108 <<E109 <<E110 <<E111 <<E112 <<E113 <<E114 <<E115 <<E116 <<E117 <<E118 <<E119 <<E120 <<E121 <<E122 <<E123 <<E124 <<E125 <<E126 <<E127 <<E128 <<E129 <<E130 <<E131 <<E132 <<E133 <<E134 <<E135 <<E136 <<E137 <<E138 <<E139 <<E140 <<E141 <<E142 <<E143 <<E144 <<E145 <<E146 <<E147 <<E148 <<E149 <<E150 <<E151 <<E152 <<E153 <<E154 <<E155 <<E156 <<E157 <<E158 <<E159 <<E160 <<E161 <<E162 <<E163 <<E164 <<E165 <<E166 <<E167 <<E168 <<E169 <<E170 <<E171 <<E172 <<E173 <<E174 <<E175 <<E176 <<E177 <<E178 <<E179 <<E180 <<E181 <<E182 <<E183 <<E184 <<E185 <<E186 <<E187 <<E188 <<E189 <<E190 <<E191 <<E192 <<E193 <<E194 <<E195 <<E196 <<E197 <<E198 <<E199
line of E0
E0
line of E1
E1
line of E2
E2
line of E3
E3
line of E4
E4
line of E5
E5
line of E6
E6
line of E7
E7
line of E8
E8
line of E9
E9
line of E10
E10
line of E11
E11
line of E12
E12
line of E13
E13
line of E14
E14
line of E15
E15
line of E16
E16
line of E17
E17
line of E18
E18
line of E19
E19
line of E20
E20
line of E21
E21
line of E22
E22
line of E23
E23
line of E24
E24
line of E25
E25
line of E26
E26
line of E27
E27
line of E28
E28
line of E29
E29
line of E30
E30
line of E31
E31
line of E32
E32
line of E33
E33
line of E34
E34
line of E35
E35
line of E36
E36
line of E37
E37
line of E38
E38
line of E39
E39
line of E40
E40
line of E41
E41
line of E42
E42
line of E43
E43
line of E44
E44
line of E45
E45
line of E46
E46
line of E47
E47
line of E48
E48
line of E49
E49
line of E50
E50
line of E51
E51
line of E52
E52
line of E53
E53
line of E54
E54
line of E55
E55
line of E56
E56
line of E57
E57
line of E58
E58
line of E59
E59
line of E60
E60
line of E61
E61
line of E62
E62
line of E63
E63
line of E64
E64
line of E65
E65
line of E66
E66
line of E67
E67
line of E68
E68
line of E69
E69
line of E70
E70
line of E71
E71
line of E72
E72
line of E73
E73
line of E74
E74
line of E75
E75
line of E76
E76
line of E77
E77
line of E78
E78
line of E79
E79
line of E80
E80
line of E81
E81
line of E82
E82
line of E83
E83
line of E84
E84
line of E85
E85
line of E86
E86
line of E87
E87
line of E88
E88
line of E89
E89
line of E90
E90
line of E91
E91
line of E92
E92
line of E93
E93
line of E94
E94
line of E95
E95
line of E96
E96
line of E97
E97
line of E98
E98
line of E99
E99
line of E100
E100
line of E101
E101
line of E102
E102
line of E103
E103
line of E104
E104
line of E105
E105
line of E106
E106
line of E107
E107
line of E108
E108
line of E109
E109
line of E110
E110
line of E111
E111
line of E112
E112
line of E113
E113
line of E114
E114
line of E115
E115
line of E116
E116
line of E117
E117
line of E118
E118
line of E119
E119
line of E120
E120
line of E121
E121
line of E122
E122
line of E123
E123
line of E124
E124
line of E125
E125
line of E126
E126
line of E127
E127
line of E128
E128
line of E129
E129
line of E130
E130
line of E131
E131
line of E132
E132
line of E133
E133
line of E134
E134
line of E135
E135
line of E136
E136
line of E137
E137
line of E138
E138
line of E139
E139
line of E140
E140
line of E141
E141
line of E142
E142
line of E143
E143
line of E144
E144
line of E145
E145
line of E146
E146
line of E147
E147
line of E148
E148
line of E149
E149
line of E150
E150
line of E151
E151
line of E152
E152
line of E153
E153
line of E154
E154
line of E155
E155
line of E156
E156
line of E157
E157
line of E158
E158
line of E159
E159
line of E160
E160
line of E161
E161
line of E162
E162
line of E163
E163
line of E164
E164
line of E165
E165
line of E166
E166
line of E167
E167
line of E168
E168
line of E169
E169
line of E170
E170
line of E171
E171
line of E172
E172
line of E173
E173
line of E174
E174
line of E175
E175
line of E176
E176
line of E177
E177
line of E178
E178
line of E179
E179
line of E180
E180
line of E181
E181
line of E182
E182
line of E183
E183
line of E184
E184
line of E185
E185
line of E186
E186
line of E187
E187
line of E188
E188
line of E189
E189
line of E190
E190
line of E191
E191
line of E192
E192
line of E193
E193
line of E194
E194
line of E195
E195
line of E196
E196
line of E197
E197
line of E198
E198
line of E199
E199
RUN echo "$((1 << 4))" <<< "here-string" && cat <<"Q" <<-'R'
q
Q
	r
	R
USER 1000
