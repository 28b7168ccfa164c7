// Articles written for the enrichment tests.
#ifndef NEWSFLOW_TESTS_SERVICES_ENRICH_CORE_TEST_ARTICLES_H_
#define NEWSFLOW_TESTS_SERVICES_ENRICH_CORE_TEST_ARTICLES_H_

namespace newsflow::enrich::testing {

inline constexpr char kRobotTitle[] = "Kestrel Robotics opens drone factory in Tampere";

// Sentences are numbered in the text order they appear, for readers of the
// tests: the fourth body paragraph repeats the first one's facts.
inline constexpr char kRobotArticle[] =
    "Kestrel Robotics opened a drone factory in Tampere on Monday, promising 400 jobs in the "
    "Finnish city.\n"
    "The factory will build delivery drones for hospitals and island communities, Kestrel "
    "Robotics said. Each drone can carry five kilograms of medicine across open water.\n"
    "Drone deliveries\n"
    "Finland's health ministry has tested the delivery drones on routes to three islands since "
    "last spring. Nurses said the drones cut waiting times for urgent medicine from hours to "
    "minutes.\n"
    "Kestrel Robotics chief executive Aino Virtanen said the Tampere factory would double its "
    "output by 2027. She added that battery supply remains the main risk for drone makers in "
    "Europe.\n"
    "Local officials welcomed the drone factory. The city council approved tax relief for "
    "Kestrel Robotics in March.\n"
    "See also: Five robotics start-ups to watch\n"
    "Want to learn more about drones from industry leaders? Check out the Drone Expo in Oslo.\n"
    "Click here to subscribe to our robotics newsletter.\n";

inline constexpr char kChineseArticle[] =
    "杭州市政府近日发布新能源汽车充电网络建设计划，提出在三年内建成五万个公共充电桩。"
    "该计划重点支持居民小区和高速公路服务区的充电设施建设。\n"
    "市交通局负责人表示，充电网络是新能源汽车推广的关键基础设施。"
    "目前杭州新能源汽车保有量已经超过八十万辆，但充电桩数量仍然不足。\n"
    "根据计划，政府将为充电设施运营企业提供建设补贴。"
    "专家认为，这一政策将吸引更多社会资本进入充电网络建设领域。\n";

}  // namespace newsflow::enrich::testing

#endif  // NEWSFLOW_TESTS_SERVICES_ENRICH_CORE_TEST_ARTICLES_H_
