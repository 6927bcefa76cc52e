import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { tokens } from './api'
import { clearDone } from './composables/useNotice'

// One route per screen of the manuals' applicant journey; `public` pages need no login.
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('./views/home/HomeView.vue'), meta: { public: true, title: '信用修复' } },
  { path: '/login', name: 'login', component: () => import('./views/login/LoginView.vue'), meta: { public: true, title: '登录' } },
  { path: '/guide/:type', name: 'guide', component: () => import('./views/guide/GuideView.vue'), meta: { title: '办事指南' } },
  { path: '/apply/:type/subject', name: 'subject', component: () => import('./views/subject/SubjectView.vue'), meta: { title: '选择市场主体' } },
  { path: '/apply/:type/records', name: 'records', component: () => import('./views/records/RecordsView.vue'), meta: { title: '选择失信记录' } },
  { path: '/applications/:id/edit', name: 'application-form', component: () => import('./views/application/ApplicationFormView.vue'), meta: { title: '填写申请' } },
  { path: '/applications/:id/submitted', name: 'submitted', component: () => import('./views/application/SubmittedView.vue'), meta: { title: '提交成功' } },
  { path: '/sign/:token', name: 'sign', component: () => import('./views/sign/SignView.vue'), meta: { public: true, title: '法定代表人签名' } },
  { path: '/progress', name: 'progress', component: () => import('./views/progress/ProgressView.vue'), meta: { title: '进度查询' } },
  { path: '/applications/:id', name: 'application', component: () => import('./views/progress/ApplicationDetailView.vue'), meta: { title: '申请详情' } },
  { path: '/inbox', name: 'inbox', component: () => import('./views/inbox/InboxView.vue'), meta: { title: '消息' } },
  { path: '/public/search', name: 'public-search', component: () => import('./views/public/PublicSearchView.vue'), meta: { public: true, title: '信用信息查询' } },
  { path: '/public/subjects/:code', name: 'public-subject', component: () => import('./views/public/PublicSubjectView.vue'), meta: { public: true, title: '主体信用信息' } },
  { path: '/verify', name: 'verify', component: () => import('./views/public/VerifyView.vue'), meta: { public: true, title: '文书核验' } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { public: true, title: '页面不存在' } },
]

export const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes })

router.beforeEach((to) => {
  if (!to.meta.public && !tokens.loggedIn()) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  clearDone()
  document.title = to.meta.title ? `${to.meta.title as string} - 信用修复` : '信用修复'
})
