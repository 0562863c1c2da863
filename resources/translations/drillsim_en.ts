<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
  <context>
    <name>DirectorConsole</name>
    <message>
      <source>全体暂停</source>
      <translation>Pause for all</translation>
    </message>
    <message>
      <source>响应级别：未启动</source>
      <translation>Response level: not declared</translation>
    </message>
    <message>
      <source>情况导入清单 (MSEL)</source>
      <translation>Master scenario events list (MSEL)</translation>
    </message>
    <message>
      <source>时间</source>
      <translation>Time</translation>
    </message>
    <message>
      <source>编号</source>
      <translation>ID</translation>
    </message>
    <message>
      <source>发给</source>
      <translation>To</translation>
    </message>
    <message>
      <source>内容</source>
      <translation>Message</translation>
    </message>
    <message>
      <source>状态</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>立即下发</source>
      <translation>Fire now</translation>
    </message>
    <message>
      <source>编辑...</source>
      <translation>Edit...</translation>
    </message>
    <message>
      <source>标记已响应</source>
      <translation>Mark answered</translation>
    </message>
    <message>
      <source>临时导入...</source>
      <translation>Ad-hoc inject...</translation>
    </message>
    <message>
      <source>支援请求</source>
      <translation>Support requests</translation>
    </message>
    <message>
      <source>请求方</source>
      <translation>From</translation>
    </message>
    <message>
      <source>对象</source>
      <translation>What</translation>
    </message>
    <message>
      <source>批准</source>
      <translation>Approve</translation>
    </message>
    <message>
      <source>拒绝</source>
      <translation>Refuse</translation>
    </message>
  </context>
  <context>
    <name>DispatchDialog</name>
    <message>
      <source>调派队伍</source>
      <translation>Dispatch</translation>
    </message>
    <message>
      <source>选择任务和队伍；地图上显示预计路线和到达时间。</source>
      <translation>Pick a task and a unit; the map shows the route and the ETA.</translation>
    </message>
    <message>
      <source>下令席位</source>
      <translation>Ordering seat</translation>
    </message>
    <message>
      <source>任务</source>
      <translation>Task</translation>
    </message>
    <message>
      <source>队伍</source>
      <translation>Units</translation>
    </message>
    <message>
      <source>路线</source>
      <translation>Route</translation>
    </message>
    <message>
      <source>-</source>
      <translation>-</translation>
    </message>
  </context>
  <context>
    <name>DrillSim</name>
    <message>
      <source>DrillSim desktop app (应急演练推演)</source>
      <translation>DrillSim desktop app (emergency drill simulation)</translation>
    </message>
    <message>
      <source>无法打开文件</source>
      <translation>Cannot open file</translation>
    </message>
    <message>
      <source>正在加载想定</source>
      <translation>Loading scenario</translation>
    </message>
    <message>
      <source>文件有错误，请修改后重试：</source>
      <translation>The file has errors; fix them and try again:</translation>
    </message>
    <message>
      <source>物资库</source>
      <translation>Depot</translation>
    </message>
    <message>
      <source>避难场所</source>
      <translation>Shelters</translation>
    </message>
    <message>
      <source>医院</source>
      <translation>Hospital</translation>
    </message>
    <message>
      <source>社区/村</source>
      <translation>Community</translation>
    </message>
    <message>
      <source>化工企业</source>
      <translation>Chemical plant</translation>
    </message>
    <message>
      <source>林场</source>
      <translation>Forest farm</translation>
    </message>
    <message>
      <source>水库</source>
      <translation>Reservoir</translation>
    </message>
    <message>
      <source>指挥部</source>
      <translation>Command post</translation>
    </message>
    <message>
      <source>队伍驻地</source>
      <translation>Station</translation>
    </message>
    <message>
      <source>Ad-hoc inject (临时导入, sent now) or edit of a Ready inject.</source>
      <translation>Ad-hoc inject (sent now) or edit of a Ready inject.</translation>
    </message>
    <message>
      <source>电话</source>
      <translation>Phone</translation>
    </message>
    <message>
      <source>电台</source>
      <translation>Radio</translation>
    </message>
    <message>
      <source>邮件</source>
      <translation>Email</translation>
    </message>
    <message>
      <source>传真</source>
      <translation>Fax</translation>
    </message>
    <message>
      <source>村村响</source>
      <translation>Village loudspeaker</translation>
    </message>
    <message>
      <source>卫星电话</source>
      <translation>Satellite phone</translation>
    </message>
    <message>
      <source>当面</source>
      <translation>In person</translation>
    </message>
    <message>
      <source>短信</source>
      <translation>SMS</translation>
    </message>
    <message>
      <source>无</source>
      <translation>None</translation>
    </message>
    <message>
      <source>道路中断</source>
      <translation>Close road</translation>
    </message>
    <message>
      <source>新增事件(在场所)</source>
      <translation>New incident (at place)</translation>
    </message>
    <message>
      <source>触发次生灾害</source>
      <translation>Trigger secondary hazard</translation>
    </message>
    <message>
      <source>席位通信中断</source>
      <translation>Seat comms down</translation>
    </message>
    <message>
      <source>席位通信恢复</source>
      <translation>Seat comms up</translation>
    </message>
    <message>
      <source>避难场所满员</source>
      <translation>Shelter full</translation>
    </message>
    <message>
      <source>被拒绝</source>
      <translation>refused</translation>
    </message>
    <message>
      <source>无可通行路线</source>
      <translation>No passable route</translation>
    </message>
    <message>
      <source>临时情况导入</source>
      <translation>Ad-hoc inject</translation>
    </message>
    <message>
      <source>导调组</source>
      <translation>Control cell</translation>
    </message>
    <message>
      <source>请填写导入内容</source>
      <translation>Enter the inject message</translation>
    </message>
    <message>
      <source>操作未成功(该导入可能已下发)</source>
      <translation>Not done (the inject may already be sent)</translation>
    </message>
    <message>
      <source>导演部</source>
      <translation>Director</translation>
    </message>
    <message>
      <source>指令已执行</source>
      <translation>Order carried out</translation>
    </message>
    <message>
      <source>指令被拒绝</source>
      <translation>Order refused</translation>
    </message>
    <message>
      <source>分钟</source>
      <translation>min</translation>
    </message>
    <message>
      <source>预计到达</source>
      <translation>ETA</translation>
    </message>
    <message>
      <source>I级(特别重大)</source>
      <translation>Level I (extremely serious)</translation>
    </message>
    <message>
      <source>II级(重大)</source>
      <translation>Level II (serious)</translation>
    </message>
    <message>
      <source>III级(较大)</source>
      <translation>Level III (major)</translation>
    </message>
    <message>
      <source>IV级(一般)</source>
      <translation>Level IV (general)</translation>
    </message>
    <message>
      <source>终止响应</source>
      <translation>End response</translation>
    </message>
    <message>
      <source>编辑情况导入</source>
      <translation>Edit inject</translation>
    </message>
    <message>
      <source>就近安置</source>
      <translation>Nearest shelter</translation>
    </message>
    <message>
      <source>预警</source>
      <translation>Warning</translation>
    </message>
    <message>
      <source>全部社区</source>
      <translation>All communities</translation>
    </message>
    <message>
      <source>未处置事件</source>
      <translation>Open incidents</translation>
    </message>
    <message>
      <source>避难场所安置人数</source>
      <translation>People in shelters</translation>
    </message>
    <message>
      <source>已送达物资(吨)</source>
      <translation>Supplies delivered (t)</translation>
    </message>
    <message>
      <source>AEGL-2以上暴露(人·分钟)</source>
      <translation>Exposure above AEGL-2 (person-min)</translation>
    </message>
    <message>
      <source>获救人数</source>
      <translation>People rescued</translation>
    </message>
    <message>
      <source>评分</source>
      <translation>Score</translation>
    </message>
    <message>
      <source>本想定无评分</source>
      <translation>No score in this scenario</translation>
    </message>
    <message>
      <source>小时</source>
      <translation>hours</translation>
    </message>
    <message>
      <source>推演进度：向后拖动可快进</source>
      <translation>Drill progress: drag forward to fast-forward</translation>
    </message>
    <message>
      <source>图层</source>
      <translation>Layers</translation>
    </message>
    <message>
      <source>从OSM新建演练...</source>
      <translation>New drill from OSM...</translation>
    </message>
    <message>
      <source>导演部：全体暂停</source>
      <translation>Director: paused for all</translation>
    </message>
    <message>
      <source>打开想定</source>
      <translation>Open scenario</translation>
    </message>
    <message>
      <source>打开复盘档案</source>
      <translation>Open archive</translation>
    </message>
    <message>
      <source>记录到档案</source>
      <translation>Record to archive</translation>
    </message>
    <message>
      <source>生成评估报告</source>
      <translation>After-action report</translation>
    </message>
    <message>
      <source>保存截图</source>
      <translation>Save screenshot</translation>
    </message>
    <message>
      <source>关于 DrillSim</source>
      <translation>About DrillSim</translation>
    </message>
    <message>
      <source>DrillSim 应急演练推演系统：地震、洪水、危化品泄漏、森林火灾桌面推演与复盘。</source>
      <translation>DrillSim emergency drill simulator: tabletop exercises and reviews for earthquakes, floods, chemical releases and forest fires.</translation>
    </message>
    <message>
      <source>复盘时间：可向前、向后拖动</source>
      <translation>Replay time: drag forward or backward</translation>
    </message>
    <message>
      <source>没有待发的情况导入</source>
      <translation>No injects left</translation>
    </message>
    <message>
      <source>暂停</source>
      <translation>Pause</translation>
    </message>
    <message>
      <source>开始</source>
      <translation>Start</translation>
    </message>
    <message>
      <source>想定</source>
      <translation>Scenarios</translation>
    </message>
    <message>
      <source>复盘档案</source>
      <translation>Drill archives</translation>
    </message>
    <message>
      <source>没有可生成报告的档案：请打开复盘档案，或先“记录到档案”</source>
      <translation>No archive to report on: open a drill archive, or first use “Record to archive”</translation>
    </message>
    <message>
      <source>评估报告由复盘档案生成：请打开复盘档案，或先用“记录到档案”记录当前推演。</source>
      <translation>The after-action report is built from a drill archive: open an archive, or record the current drill with “Record to archive” first.</translation>
    </message>
    <message>
      <source>评估报告已保存</source>
      <translation>After-action report saved</translation>
    </message>
    <message>
      <source>(未找到中文字体，图表中的中文可能无法显示)</source>
      <translation>(no CJK font found: Chinese text in the charts may not render)</translation>
    </message>
    <message>
      <source>复盘</source>
      <translation>Replay</translation>
    </message>
    <message>
      <source>没有实时推演</source>
      <translation>No live drill</translation>
    </message>
    <message>
      <source>已跳到下一条情况导入</source>
      <translation>Jumped to the next inject</translation>
    </message>
    <message>
      <source>实时推演不能倒退：请用“记录到档案”并在复盘中回看，或从复盘时刻推演分支</source>
      <translation>A live drill cannot go back: record it to an archive and look back in replay, or branch from a replay time</translation>
    </message>
    <message>
      <source>正在记录</source>
      <translation>Recording</translation>
    </message>
    <message>
      <source>速度</source>
      <translation>Speed</translation>
    </message>
    <message>
      <source>生成评估报告失败</source>
      <translation>After-action report failed</translation>
    </message>
    <message>
      <source>页</source>
      <translation>pages</translation>
    </message>
    <message>
      <source>地震</source>
      <translation>Earthquake</translation>
    </message>
    <message>
      <source>洪涝(溃堤)</source>
      <translation>Flood (dike breach)</translation>
    </message>
    <message>
      <source>危化品泄漏</source>
      <translation>Chemical release</translation>
    </message>
    <message>
      <source>森林火灾</source>
      <translation>Forest fire</translation>
    </message>
    <message>
      <source>浏览...</source>
      <translation>Browse...</translation>
    </message>
    <message>
      <source>OSM数据与输出位置</source>
      <translation>OSM data and output</translation>
    </message>
    <message>
      <source>选择OpenStreetMap数据(.osm/.osm.bz2/.osm.pbf)，可选高程数据(GeoTIFF)和范围。</source>
      <translation>Choose OpenStreetMap data (.osm/.osm.bz2/.osm.pbf), optionally an elevation model (GeoTIFF) and a box.</translation>
    </message>
    <message>
      <source>可选: 西,南,东,北 (经纬度)</source>
      <translation>optional: W,S,E,N (degrees)</translation>
    </message>
    <message>
      <source>可选</source>
      <translation>optional</translation>
    </message>
    <message>
      <source>OSM文件</source>
      <translation>OSM file</translation>
    </message>
    <message>
      <source>高程(DEM)</source>
      <translation>Elevation (DEM)</translation>
    </message>
    <message>
      <source>范围</source>
      <translation>Box</translation>
    </message>
    <message>
      <source>地图文件夹</source>
      <translation>Map folder</translation>
    </message>
    <message>
      <source>导入地图</source>
      <translation>Import the map</translation>
    </message>
    <message>
      <source>正在导入，请稍候...</source>
      <translation>Importing, please wait...</translation>
    </message>
    <message>
      <source>灾害与想定文件</source>
      <translation>Hazard and scenario file</translation>
    </message>
    <message>
      <source>选择灾害类型，在路网图上点击或输入灾害发生点(地图米)。</source>
      <translation>Choose the hazard type; click the road map or type the hazard point (map metres).</translation>
    </message>
    <message>
      <source>灾害类型</source>
      <translation>Hazard type</translation>
    </message>
    <message>
      <source>发生点</source>
      <translation>Point</translation>
    </message>
    <message>
      <source>想定文件</source>
      <translation>Scenario file</translation>
    </message>
    <message>
      <source>从OSM新建演练</source>
      <translation>New drill from OSM</translation>
    </message>
    <message>
      <source>&lt; 上一步</source>
      <translation>&lt; Back</translation>
    </message>
    <message>
      <source>下一步 &gt;</source>
      <translation>Next &gt;</translation>
    </message>
    <message>
      <source>完成并打开</source>
      <translation>Finish and open</translation>
    </message>
    <message>
      <source>取消</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <source>导入完成</source>
      <translation>Import finished</translation>
    </message>
    <message>
      <source>导入失败，请返回修改</source>
      <translation>Import failed: go back and fix the input</translation>
    </message>
    <message>
      <source>无法生成想定: </source>
      <translation>Cannot make the scenario: </translation>
    </message>
    <message>
      <source>高速公路</source>
      <translation>Expressway</translation>
    </message>
    <message>
      <source>主干道</source>
      <translation>Arterial road</translation>
    </message>
    <message>
      <source>地形</source>
      <translation>Terrain</translation>
    </message>
    <message>
      <source>行政区划</source>
      <translation>Admin areas</translation>
    </message>
    <message>
      <source>水系</source>
      <translation>Water</translation>
    </message>
    <message>
      <source>道路</source>
      <translation>Road</translation>
    </message>
    <message>
      <source>灾害态势</source>
      <translation>Hazards</translation>
    </message>
    <message>
      <source>道路状态</source>
      <translation>Road status</translation>
    </message>
    <message>
      <source>重点场所</source>
      <translation>Places</translation>
    </message>
    <message>
      <source>注记</source>
      <translation>Labels</translation>
    </message>
    <message>
      <source>事件</source>
      <translation>Incidents</translation>
    </message>
    <message>
      <source>队伍</source>
      <translation>Units</translation>
    </message>
    <message>
      <source>路线预览</source>
      <translation>Route preview</translation>
    </message>
    <message>
      <source>县</source>
      <translation>county</translation>
    </message>
    <message>
      <source>事件(优先级1)</source>
      <translation>Incident (priority 1)</translation>
    </message>
    <message>
      <source>事件(优先级2)</source>
      <translation>Incident (priority 2)</translation>
    </message>
    <message>
      <source>市</source>
      <translation>city</translation>
    </message>
    <message>
      <source>区</source>
      <translation>region</translation>
    </message>
    <message>
      <source>淹没水深</source>
      <translation>Flood depth</translation>
    </message>
    <message>
      <source>火场(等时线/小时)</source>
      <translation>Fire (hourly isochrones)</translation>
    </message>
    <message>
      <source>状态</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>任务</source>
      <translation>Task</translation>
    </message>
    <message>
      <source>优先级</source>
      <translation>Priority</translation>
    </message>
    <message>
      <source>报告</source>
      <translation>Reported</translation>
    </message>
    <message>
      <source>烈度</source>
      <translation>Intensity</translation>
    </message>
    <message>
      <source>安置</source>
      <translation>Sheltered</translation>
    </message>
    <message>
      <source>床位</source>
      <translation>Beds</translation>
    </message>
    <message>
      <source>已关闭</source>
      <translation>closed</translation>
    </message>
    <message>
      <source>在地人口</source>
      <translation>Residents</translation>
    </message>
    <message>
      <source>层级</source>
      <translation>Tier</translation>
    </message>
    <message>
      <source>本席位队伍</source>
      <translation>This seat's units</translation>
    </message>
    <message>
      <source>在线情况</source>
      <translation>Who is connected</translation>
    </message>
    <message>
      <source>参数，如 unit=fire1-1 task=i1/rescue</source>
      <translation>arguments, e.g. unit=fire1-1 task=i1/rescue</translation>
    </message>
    <message>
      <source>下达指令</source>
      <translation>Give order</translation>
    </message>
    <message>
      <source>继续</source>
      <translation>Resume</translation>
    </message>
    <message>
      <source>已暂停</source>
      <translation>Paused</translation>
    </message>
    <message>
      <source>推演中</source>
      <translation>Running</translation>
    </message>
    <message>
      <source>已连接</source>
      <translation>Connected</translation>
    </message>
    <message>
      <source>重新连接中…</source>
      <translation>Reconnecting…</translation>
    </message>
    <message>
      <source>联网席位</source>
      <translation>Networked seat</translation>
    </message>
    <message>
      <source>正在连接</source>
      <translation>Connecting to</translation>
    </message>
    <message>
      <source>物资</source>
      <translation>Supplies</translation>
    </message>
    <message>
      <source>数量</source>
      <translation>Quantity</translation>
    </message>
    <message>
      <source>席位</source>
      <translation>Seat</translation>
    </message>
    <message>
      <source>连接</source>
      <translation>Connection</translation>
    </message>
    <message>
      <source>地址</source>
      <translation>Address</translation>
    </message>
    <message>
      <source>已获知的情况</source>
      <translation>What has reached this seat</translation>
    </message>
    <message>
      <source>指令回执</source>
      <translation>Order receipts</translation>
    </message>
    <message>
      <source>全部队伍</source>
      <translation>All units</translation>
    </message>
    <message>
      <source>重新加入</source>
      <translation>Rejoined</translation>
    </message>
    <message>
      <source>已加入</source>
      <translation>Joined</translation>
    </message>
    <message>
      <source>在线</source>
      <translation>online</translation>
    </message>
    <message>
      <source>离线</source>
      <translation>offline</translation>
    </message>
    <message>
      <source>模拟分钟/秒</source>
      <translation>sim min/s</translation>
    </message>
    <message>
      <source>已发送</source>
      <translation>sent</translation>
    </message>
    <message>
      <source>参数格式应为 名称=值，以空格分隔</source>
      <translation>Arguments are name=value pairs separated by spaces</translation>
    </message>
    <message>
      <source>已执行</source>
      <translation>done</translation>
    </message>
    <message>
      <source>拒收</source>
      <translation>rejected</translation>
    </message>
    <message>
      <source>演练结束</source>
      <translation>Drill over</translation>
    </message>
    <message>
      <source>无法加入</source>
      <translation>Cannot join</translation>
    </message>
    <message>
      <source>摘要</source>
      <translation>digest</translation>
    </message>
    <message>
      <source>主持联网演练…</source>
      <translation>Host networked drill…</translation>
    </message>
    <message>
      <source>主持联网演练</source>
      <translation>Host networked drill</translation>
    </message>
    <message>
      <source>请先打开一个演练想定或存档</source>
      <translation>Open a scenario or an archive first</translation>
    </message>
    <message>
      <source>允许其他计算机接入（监听所有网卡）</source>
      <translation>Let other computers join (listen on all interfaces)</translation>
    </message>
    <message>
      <source>TLS 加密（首次使用时生成证书）</source>
      <translation>TLS (a certificate is made on first use)</translation>
    </message>
    <message>
      <source>端口</source>
      <translation>Port</translation>
    </message>
    <message>
      <source>速度（模拟分钟/秒）</source>
      <translation>Speed (sim min per second)</translation>
    </message>
    <message>
      <source>存档</source>
      <translation>Archive</translation>
    </message>
    <message>
      <source>开始主持</source>
      <translation>Start hosting</translation>
    </message>
    <message>
      <source>以导演部身份加入</source>
      <translation>Join as the director</translation>
    </message>
    <message>
      <source>结束演练</source>
      <translation>End the drill</translation>
    </message>
    <message>
      <source>正在启动服务器…</source>
      <translation>Starting the server…</translation>
    </message>
    <message>
      <source>服务器地址</source>
      <translation>Server address</translation>
    </message>
    <message>
      <source>加入码</source>
      <translation>Join code</translation>
    </message>
    <message>
      <source>证书指纹</source>
      <translation>Certificate fingerprint</translation>
    </message>
    <message>
      <source>预警发布</source>
      <translation>Warning</translation>
    </message>
    <message>
      <source>响应启动</source>
      <translation>Response activation</translation>
    </message>
    <message>
      <source>队伍调派</source>
      <translation>Team dispatch</translation>
    </message>
    <message>
      <source>群众转移</source>
      <translation>Evacuation</translation>
    </message>
    <message>
      <source>物资保障</source>
      <translation>Supplies</translation>
    </message>
    <message>
      <source>信息报送</source>
      <translation>Reporting</translation>
    </message>
    <message>
      <source>时间</source>
      <translation>Time</translation>
    </message>
    <message>
      <source>类型</source>
      <translation>Type</translation>
    </message>
    <message>
      <source>内容</source>
      <translation>Message</translation>
    </message>
    <message>
      <source>观察</source>
      <translation>Observation</translation>
    </message>
    <message>
      <source>做得好</source>
      <translation>Strength</translation>
    </message>
    <message>
      <source>需改进</source>
      <translation>Improve</translation>
    </message>
    <message>
      <source>问题</source>
      <translation>Issue</translation>
    </message>
    <message>
      <source>及时研判并发布预警</source>
      <translation>Assessed and warned in time</translation>
    </message>
    <message>
      <source>预警覆盖受影响社区</source>
      <translation>Warning reached affected communities</translation>
    </message>
    <message>
      <source>预警渠道多样(短信、村村响)</source>
      <translation>Several warning channels (SMS, loudspeakers)</translation>
    </message>
    <message>
      <source>按预案启动相应级别响应</source>
      <translation>Response level declared per plan</translation>
    </message>
    <message>
      <source>指挥部及时成立并明确分工</source>
      <translation>HQ set up with clear roles</translation>
    </message>
    <message>
      <source>首批力量及时出动</source>
      <translation>First teams left in time</translation>
    </message>
    <message>
      <source>队伍能力与任务匹配</source>
      <translation>Team skills matched the tasks</translation>
    </message>
    <message>
      <source>跨层级请求支援及时</source>
      <translation>Support requested across levels in time</translation>
    </message>
    <message>
      <source>危险区域群众及时转移</source>
      <translation>People in danger zones evacuated in time</translation>
    </message>
    <message>
      <source>避难场所及时开放并有序安置</source>
      <translation>Shelters opened and run in order</translation>
    </message>
    <message>
      <source>物资按需调运</source>
      <translation>Supplies moved where needed</translation>
    </message>
    <message>
      <source>分级储备使用合理</source>
      <translation>Tiered reserves used sensibly</translation>
    </message>
    <message>
      <source>信息逐级及时报送</source>
      <translation>Reports passed up in time</translation>
    </message>
    <message>
      <source>通信中断时启用备用手段</source>
      <translation>Backup comms used when cut off</translation>
    </message>
    <message>
      <source>全部</source>
      <translation>All</translation>
    </message>
    <message>
      <source>调派</source>
      <translation>Dispatch</translation>
    </message>
    <message>
      <source>指令</source>
      <translation>Orders</translation>
    </message>
    <message>
      <source>情况导入</source>
      <translation>Inject</translation>
    </message>
    <message>
      <source>响应</source>
      <translation>Response</translation>
    </message>
    <message>
      <source>支援</source>
      <translation>Support</translation>
    </message>
    <message>
      <source>评估记录</source>
      <translation>Evaluator note</translation>
    </message>
    <message>
      <source>危化品</source>
      <translation>Chemical</translation>
    </message>
    <message>
      <source>洪水</source>
      <translation>Flood</translation>
    </message>
    <message>
      <source>导演部(全部)</source>
      <translation>Director (all)</translation>
    </message>
    <message>
      <source>已处置</source>
      <translation>Resolved</translation>
    </message>
    <message>
      <source>响应级别</source>
      <translation>Response level</translation>
    </message>
    <message>
      <source>未启动</source>
      <translation>not declared</translation>
    </message>
    <message>
      <source>待批支援请求</source>
      <translation>Pending requests</translation>
    </message>
    <message>
      <source>处置中</source>
      <translation>In progress</translation>
    </message>
    <message>
      <source>待处置</source>
      <translation>Waiting</translation>
    </message>
    <message>
      <source>开放</source>
      <translation>Open</translation>
    </message>
    <message>
      <source>关闭</source>
      <translation>Closed</translation>
    </message>
    <message>
      <source>已下发</source>
      <translation>Sent</translation>
    </message>
    <message>
      <source>无法下发(非待发状态)</source>
      <translation>Cannot send (not Ready)</translation>
    </message>
    <message>
      <source>通信中断，信息延迟</source>
      <translation>Comms down: news delayed</translation>
    </message>
    <message>
      <source>待批</source>
      <translation>Pending</translation>
    </message>
    <message>
      <source>已批准</source>
      <translation>Approved</translation>
    </message>
    <message>
      <source>已拒绝</source>
      <translation>Refused</translation>
    </message>
    <message>
      <source>未处置</source>
      <translation>open</translation>
    </message>
    <message>
      <source>出动</source>
      <translation>busy</translation>
    </message>
    <message>
      <source>获救</source>
      <translation>Rescued</translation>
    </message>
    <message>
      <source>道路受阻</source>
      <translation>Roads blocked</translation>
    </message>
    <message>
      <source>播放</source>
      <translation>Play</translation>
    </message>
    <message>
      <source>已从复盘时刻创建推演分支</source>
      <translation>What-if branch started at</translation>
    </message>
    <message>
      <source>条事件</source>
      <translation>events</translation>
    </message>
    <message>
      <source>下发</source>
      <translation>sent</translation>
    </message>
    <message>
      <source>已响应</source>
      <translation>Answered</translation>
    </message>
    <message>
      <source>超时</source>
      <translation>missed</translation>
    </message>
    <message>
      <source>分支</source>
      <translation>Branch</translation>
    </message>
    <message>
      <source>应急响应级别</source>
      <translation>Response level</translation>
    </message>
    <message>
      <source>打开文件</source>
      <translation>Open file</translation>
    </message>
    <message>
      <source>想定或复盘档案</source>
      <translation>Scenario or archive</translation>
    </message>
    <message>
      <source>有错误</source>
      <translation>has errors</translation>
    </message>
  </context>
  <context>
    <name>EvacuateDialog</name>
    <message>
      <source>组织群众转移</source>
      <translation>Evacuate people</translation>
    </message>
    <message>
      <source>下令席位</source>
      <translation>Ordering seat</translation>
    </message>
    <message>
      <source>社区/村</source>
      <translation>Community</translation>
    </message>
    <message>
      <source>转移人数(0=全部)</source>
      <translation>People (0 = all)</translation>
    </message>
    <message>
      <source>安置场所</source>
      <translation>Shelter</translation>
    </message>
  </context>
  <context>
    <name>EvaluatorConsole</name>
    <message>
      <source>评估检查单 (AQ/T 9009)</source>
      <translation>Evaluation checklist (AQ/T 9009)</translation>
    </message>
    <message>
      <source>检查项</source>
      <translation>Item</translation>
    </message>
    <message>
      <source>时间</source>
      <translation>Time</translation>
    </message>
    <message>
      <source>评估记录</source>
      <translation>Evaluator note</translation>
    </message>
    <message>
      <source>记录观察到的做法、问题和建议（关联选中的检查项）</source>
      <translation>Note what you saw, problems and advice (linked to the selected item)</translation>
    </message>
    <message>
      <source>观察</source>
      <translation>Observation</translation>
    </message>
    <message>
      <source>做得好</source>
      <translation>Strength</translation>
    </message>
    <message>
      <source>需改进</source>
      <translation>Improve</translation>
    </message>
    <message>
      <source>问题</source>
      <translation>Issue</translation>
    </message>
    <message>
      <source>添加记录</source>
      <translation>Add note</translation>
    </message>
  </context>
  <context>
    <name>EventLog</name>
    <message>
      <source>类型</source>
      <translation>Type</translation>
    </message>
    <message>
      <source>席位视角</source>
      <translation>Seat view</translation>
    </message>
    <message>
      <source>搜索</source>
      <translation>Search</translation>
    </message>
  </context>
  <context>
    <name>InjectDialog</name>
    <message>
      <source>情况导入</source>
      <translation>Inject</translation>
    </message>
    <message>
      <source>编号</source>
      <translation>ID</translation>
    </message>
    <message>
      <source>自动</source>
      <translation>auto</translation>
    </message>
    <message>
      <source>时间(分钟)</source>
      <translation>Time (min)</translation>
    </message>
    <message>
      <source>发给</source>
      <translation>To</translation>
    </message>
    <message>
      <source>来自</source>
      <translation>From</translation>
    </message>
    <message>
      <source>例：临河镇政府</source>
      <translation>e.g. Linhe town government</translation>
    </message>
    <message>
      <source>方式</source>
      <translation>Delivery</translation>
    </message>
    <message>
      <source>内容</source>
      <translation>Message</translation>
    </message>
    <message>
      <source>预期行动</source>
      <translation>Expected action</translation>
    </message>
    <message>
      <source>时限(分钟)</source>
      <translation>Deadline (min)</translation>
    </message>
    <message>
      <source>附带效果</source>
      <translation>Effect</translation>
    </message>
    <message>
      <source>效果对象</source>
      <translation>Effect target</translation>
    </message>
  </context>
  <context>
    <name>LevelDialog</name>
    <message>
      <source>启动/调整应急响应</source>
      <translation>Declare / change response level</translation>
    </message>
    <message>
      <source>I级(特别重大) II级(重大) III级(较大) IV级(一般)</source>
      <translation>Level I (extremely serious), II (serious), III (major), IV (general)</translation>
    </message>
    <message>
      <source>下令席位</source>
      <translation>Ordering seat</translation>
    </message>
    <message>
      <source>响应级别</source>
      <translation>Response level</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>DrillSim 应急演练推演</source>
      <translation>DrillSim emergency drill</translation>
    </message>
    <message>
      <source>未加载想定</source>
      <translation>No scenario loaded</translation>
    </message>
    <message>
      <source>文件</source>
      <translation>File</translation>
    </message>
    <message>
      <source>最近打开</source>
      <translation>Recent</translation>
    </message>
    <message>
      <source>推演</source>
      <translation>Drill</translation>
    </message>
    <message>
      <source>视图</source>
      <translation>View</translation>
    </message>
    <message>
      <source>图层</source>
      <translation>Layers</translation>
    </message>
    <message>
      <source>语言</source>
      <translation>Language</translation>
    </message>
    <message>
      <source>帮助</source>
      <translation>Help</translation>
    </message>
    <message>
      <source>时钟</source>
      <translation>Clock</translation>
    </message>
    <message>
      <source>指挥席</source>
      <translation>Command seats</translation>
    </message>
    <message>
      <source>导演部</source>
      <translation>Director</translation>
    </message>
    <message>
      <source>参演席位</source>
      <translation>Trainee</translation>
    </message>
    <message>
      <source>评估组</source>
      <translation>Evaluator</translation>
    </message>
    <message>
      <source>复盘</source>
      <translation>Replay</translation>
    </message>
    <message>
      <source>态势与指标</source>
      <translation>Log and indicators</translation>
    </message>
    <message>
      <source>事件日志</source>
      <translation>Event log</translation>
    </message>
    <message>
      <source>指标看板</source>
      <translation>KPI dashboard</translation>
    </message>
    <message>
      <source>打开想定...</source>
      <translation>Open scenario...</translation>
    </message>
    <message>
      <source>打开复盘档案...</source>
      <translation>Open archive...</translation>
    </message>
    <message>
      <source>记录到档案...</source>
      <translation>Record to archive...</translation>
    </message>
    <message>
      <source>生成评估报告...</source>
      <translation>After-action report…</translation>
    </message>
    <message>
      <source>为复盘档案或正在记录的推演生成演练评估报告(按文件扩展名生成 HTML 或 PDF)</source>
      <translation>Write the after-action report (HTML or PDF, by the file extension) of the open archive or of the drill being recorded</translation>
    </message>
    <message>
      <source>保存截图...</source>
      <translation>Save screenshot...</translation>
    </message>
    <message>
      <source>起始页</source>
      <translation>Start page</translation>
    </message>
    <message>
      <source>退出</source>
      <translation>Quit</translation>
    </message>
    <message>
      <source>开始</source>
      <translation>Start</translation>
    </message>
    <message>
      <source>开始/暂停推演 (空格)</source>
      <translation>Start / pause the drill (Space)</translation>
    </message>
    <message>
      <source>单步</source>
      <translation>Step</translation>
    </message>
    <message>
      <source>前进1分钟</source>
      <translation>Advance 1 minute</translation>
    </message>
    <message>
      <source>下一导入</source>
      <translation>Next inject</translation>
    </message>
    <message>
      <source>跳到下一条情况导入</source>
      <translation>Jump to the next inject</translation>
    </message>
    <message>
      <source>全体暂停</source>
      <translation>Pause for all</translation>
    </message>
    <message>
      <source>全图</source>
      <translation>Fit map</translation>
    </message>
    <message>
      <source>指挥席面板</source>
      <translation>Command seats panel</translation>
    </message>
    <message>
      <source>日志与指标面板</source>
      <translation>Log and KPI panel</translation>
    </message>
    <message>
      <source>关于 DrillSim</source>
      <translation>About DrillSim</translation>
    </message>
  </context>
  <context>
    <name>ReplayConsole</name>
    <message>
      <source>打开档案...</source>
      <translation>Open archive...</translation>
    </message>
    <message>
      <source>未打开复盘档案</source>
      <translation>No archive open</translation>
    </message>
    <message>
      <source>播放</source>
      <translation>Play</translation>
    </message>
    <message>
      <source>T+00:00</source>
      <translation>T+00:00</translation>
    </message>
    <message>
      <source>从此刻推演分支</source>
      <translation>What-if branch from here</translation>
    </message>
    <message>
      <source>返回实时</source>
      <translation>Back to live</translation>
    </message>
    <message>
      <source>关键时刻（情况导入、评估记录）</source>
      <translation>Key moments (injects, notes)</translation>
    </message>
  </context>
  <context>
    <name>RequestDialog</name>
    <message>
      <source>请求支援</source>
      <translation>Request support</translation>
    </message>
    <message>
      <source>请求席位</source>
      <translation>Requesting seat</translation>
    </message>
    <message>
      <source>向谁请求</source>
      <translation>Ask</translation>
    </message>
    <message>
      <source>队伍</source>
      <translation>Units</translation>
    </message>
    <message>
      <source>物资库</source>
      <translation>Depot</translation>
    </message>
    <message>
      <source>说明</source>
      <translation>Note</translation>
    </message>
  </context>
  <context>
    <name>StartPage</name>
    <message>
      <source>DrillSim 应急演练</source>
      <translation>DrillSim emergency drills</translation>
    </message>
    <message>
      <source>DrillSim 应急演练推演系统</source>
      <translation>DrillSim emergency drill simulator</translation>
    </message>
    <message>
      <source>桌面推演 · 模拟仿真 · 应对复盘</source>
      <translation>Tabletop · Simulation · After-action review</translation>
    </message>
    <message>
      <source>内置想定</source>
      <translation>Shipped scenarios</translation>
    </message>
    <message>
      <source>开始推演</source>
      <translation>Start drill</translation>
    </message>
    <message>
      <source>打开文件...</source>
      <translation>Open file...</translation>
    </message>
    <message>
      <source>中文</source>
      <translation>中文</translation>
    </message>
    <message>
      <source>English</source>
      <translation>English</translation>
    </message>
    <message>
      <source>最近打开</source>
      <translation>Recent</translation>
    </message>
    <message>
      <source>双击想定开始推演；复盘档案(.drill)可回放并从任一时刻推演分支。</source>
      <translation>Double-click a scenario to start; drill archives (.drill) replay and can branch from any moment.</translation>
    </message>
  </context>
  <context>
    <name>SuppliesDialog</name>
    <message>
      <source>调运物资</source>
      <translation>Move supplies</translation>
    </message>
    <message>
      <source>下令席位</source>
      <translation>Ordering seat</translation>
    </message>
    <message>
      <source>调出物资库</source>
      <translation>From depot</translation>
    </message>
    <message>
      <source>物资</source>
      <translation>Supplies</translation>
    </message>
    <message>
      <source>数量</source>
      <translation>Quantity</translation>
    </message>
    <message>
      <source>运往</source>
      <translation>To</translation>
    </message>
    <message>
      <source>库存</source>
      <translation>In stock</translation>
    </message>
    <message>
      <source>-</source>
      <translation>-</translation>
    </message>
  </context>
  <context>
    <name>TraineeConsole</name>
    <message>
      <source>席位</source>
      <translation>Seat</translation>
    </message>
    <message>
      <source>调派队伍</source>
      <translation>Dispatch</translation>
    </message>
    <message>
      <source>调运物资</source>
      <translation>Move supplies</translation>
    </message>
    <message>
      <source>组织转移</source>
      <translation>Evacuate</translation>
    </message>
    <message>
      <source>发布预警</source>
      <translation>Issue warning</translation>
    </message>
    <message>
      <source>响应级别</source>
      <translation>Response level</translation>
    </message>
    <message>
      <source>请求支援</source>
      <translation>Request support</translation>
    </message>
    <message>
      <source>事件队列</source>
      <translation>Incidents</translation>
    </message>
    <message>
      <source>事件/任务</source>
      <translation>Incident / task</translation>
    </message>
    <message>
      <source>优先级</source>
      <translation>Priority</translation>
    </message>
    <message>
      <source>进度</source>
      <translation>Progress</translation>
    </message>
    <message>
      <source>报告时间</source>
      <translation>Reported</translation>
    </message>
    <message>
      <source>队伍</source>
      <translation>Units</translation>
    </message>
    <message>
      <source>类型</source>
      <translation>Type</translation>
    </message>
    <message>
      <source>状态</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>任务</source>
      <translation>Task</translation>
    </message>
    <message>
      <source>预计到达</source>
      <translation>ETA</translation>
    </message>
    <message>
      <source>物资</source>
      <translation>Supplies</translation>
    </message>
    <message>
      <source>层级/物资库/物资</source>
      <translation>Tier / depot / item</translation>
    </message>
    <message>
      <source>库存</source>
      <translation>In stock</translation>
    </message>
    <message>
      <source>避难场所</source>
      <translation>Shelters</translation>
    </message>
    <message>
      <source>安置</source>
      <translation>Sheltered</translation>
    </message>
    <message>
      <source>容量</source>
      <translation>Capacity</translation>
    </message>
  </context>
  <context>
    <name>WarningDialog</name>
    <message>
      <source>发布预警</source>
      <translation>Issue warning</translation>
    </message>
    <message>
      <source>下令席位</source>
      <translation>Ordering seat</translation>
    </message>
    <message>
      <source>预警级别</source>
      <translation>Warning level</translation>
    </message>
    <message>
      <source>范围</source>
      <translation>Area</translation>
    </message>
    <message>
      <source>渠道</source>
      <translation>Channels</translation>
    </message>
    <message>
      <source>预警信息</source>
      <translation>Message</translation>
    </message>
    <message>
      <source>例：请下风向群众立即关闭门窗、向北转移</source>
      <translation>e.g. Downwind residents: close windows, move north</translation>
    </message>
  </context>
</TS>
