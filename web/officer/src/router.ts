import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { tokens } from './api'
import type { Role } from './api/auth'
import { useSession } from './stores/session'
import AppLayout from './layout/AppLayout.vue'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    public?: boolean
    /** any of these roles sees the page (the API still checks every call) */
    roles?: Role[]
  }
}

// One route per screen of the Guangzhou officer manual; the menu in AppLayout follows it.
const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/login/LoginView.vue'), meta: { public: true, title: '登录' } },
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', name: 'home', component: () => import('./views/home/HomeView.vue'), meta: { title: '首页' } },
      { path: 'todo', name: 'todo', component: () => import('./views/todo/TodoView.vue'), meta: { title: '我的待办' } },
      { path: 'cases/:number', name: 'case', component: () => import('./views/case/CaseView.vue'), meta: { title: '案件办理' } },
      { path: 'records/:type', name: 'records', component: () => import('./views/records/RecordsView.vue'), meta: { title: '信用修复办理', roles: ['handler', 'approver'] } },
      { path: 'counter/:id', name: 'counter', component: () => import('./views/counter/CounterApplicationView.vue'), meta: { title: '窗口代办申请', roles: ['handler'] } },
      { path: 'statistics', name: 'statistics', component: () => import('./views/statistics/StatisticsView.vue'), meta: { title: '统计' } },
      { path: 'listing-removals', name: 'listing-removals', component: () => import('./views/removals/ListingRemovalsView.vue'), meta: { title: '可移出' } },
      { path: 'inbox', name: 'inbox', component: () => import('./views/inbox/InboxView.vue'), meta: { title: '消息' } },
      { path: 'admin/officers', name: 'admin-officers', component: () => import('./views/admin/OfficersView.vue'), meta: { title: '人员与角色', roles: ['administrator'] } },
      { path: 'admin/rules', name: 'admin-rules', component: () => import('./views/admin/RulesView.vue'), meta: { title: '修复规则版本', roles: ['administrator'] } },
      { path: 'admin/deadline-rules', name: 'admin-deadline-rules', component: () => import('./views/admin/DeadlineRulesView.vue'), meta: { title: '办理期限规则', roles: ['administrator'] } },
      { path: 'admin/publicity-terms', name: 'admin-publicity-terms', component: () => import('./views/admin/PublicityTermsView.vue'), meta: { title: '公示期限版本', roles: ['administrator'] } },
      { path: 'admin/reorganisation-rules', name: 'admin-reorganisation-rules', component: () => import('./views/admin/ReorganisationRulesView.vue'), meta: { title: '破产重整临时修复规则', roles: ['administrator'] } },
      { path: 'admin/calendar', name: 'admin-calendar', component: () => import('./views/admin/CalendarView.vue'), meta: { title: '工作日调整', roles: ['administrator'] } },
      { path: 'admin/proof-material', name: 'admin-proof-material', component: () => import('./views/admin/ProofMaterialView.vue'), meta: { title: '证明材料模式', roles: ['administrator'] } },
    ],
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { public: true, title: '页面不存在' } },
]

export const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  if (!tokens.loggedIn()) return { name: 'login', query: { redirect: to.fullPath } }
  const session = useSession()
  try {
    await session.load()
  } catch {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  if (to.meta.roles && !session.hasRole(...to.meta.roles)) return { name: 'home' }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - 信用修复办理工作台` : '信用修复办理工作台'
})
